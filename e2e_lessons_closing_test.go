//go:build e2e

package main

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// closing, half-close: nc -N gets the answer after its FIN; plain nc, which
// never half-closes, gets nothing, and its close resets the late answer.
func TestClosingHalfCloseNC(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "closing")
	r := ncSend(t, a.port, []byte("one\ntwo\nthree\n"))
	if r.code != 0 || string(r.stdout) != "14 bytes, 3 lines\n" {
		t.Fatalf("nc -N exit %d, got %q; want 14 bytes, 3 lines\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	a.waitLine("the orderly close", func(l string) bool {
		return strings.Contains(l, " #1 closed by client") && !strings.Contains(l, "reset")
	})

	// Plain nc: no FIN after its input, so no answer; -w 2 ends it when idle.
	p := runTool(t, 15*time.Second, []byte("one\n"), nil, needNC(t), "-w", "2", "127.0.0.1", strconv.Itoa(a.port))
	if len(p.stdout) != 0 {
		t.Errorf("plain nc got %q; the server should answer only after the client's FIN", p.stdout)
	}
	a.waitLine("the reset close of plain nc", func(l string) bool { return strings.Contains(l, " #2 closed by client (reset)") })
}

// closing, TIME_WAIT: the server closes first and notes TIME_WAIT (Linux).
func TestClosingTimeWait(t *testing.T) {
	t.Parallel()
	if !netcore.StatesVisible() {
		t.Skip("TCP states are read from /proc/net/tcp, which only Linux has")
	}
	a := startServe(t, "--lesson", "closing", "--step", "2")
	// Plain nc, as the text says; its input ends, so it closes once it has
	// read bye and the server's FIN.
	r := runTool(t, 15*time.Second, []byte("hello\n"), nil, needNC(t), "-w", "2", "127.0.0.1", strconv.Itoa(a.port))
	if string(r.stdout) != "bye\n" {
		t.Fatalf("nc got %q, want bye", r.stdout)
	}
	a.waitLine("the TIME_WAIT note", func(l string) bool { return strings.Contains(l, "#1 note: state TIME_WAIT") })
	// The text's ss -tan shows the same, where ss is installed.
	if path, err := exec.LookPath("ss"); err == nil {
		ss := runTool(t, 10*time.Second, nil, nil, path, "-tan").stdout
		if !bytes.Contains(ss, []byte("TIME-WAIT")) || !bytes.Contains(ss, []byte(":"+strconv.Itoa(a.port))) {
			t.Errorf("ss -tan shows no TIME-WAIT on port %d:\n%s", a.port, ss)
		}
	}
}

// closing, unread bytes: curl's request is mostly unread when the server
// closes, so the close is a reset; curl loses the answer or reports it.
func TestClosingResetCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "closing", "--step", "3")
	r := curl(t, 15*time.Second, "http://127.0.0.1:"+strconv.Itoa(a.port)+"/")
	lost := r.code == 56 && bytes.Contains(r.stderr, []byte("reset by peer"))
	if !lost && !(r.code == 0 && bytes.Contains(r.stdout, []byte("This answer may never be read."))) {
		t.Fatalf("curl exit %d, stdout %q, stderr %q; want the answer or a reset", r.code, r.stdout, r.stderr)
	}
	t.Logf("curl: exit %d, lost the answer: %v", r.code, lost)
	a.waitLine("the server's reset", func(l string) bool { return strings.Contains(l, " #1 closed by server (reset)") })
}

// closing, CLOSE_WAIT: nc -N sends its FIN; the server never closes, and
// notes CLOSE_WAIT; nc gives up when idle.
func TestClosingCloseWait(t *testing.T) {
	t.Parallel()
	if !netcore.StatesVisible() {
		t.Skip("TCP states are read from /proc/net/tcp, which only Linux has")
	}
	a := startServe(t, "--lesson", "closing", "--step", "4")
	r := runTool(t, 15*time.Second, []byte("hello\n"), nil, needNC(t), "-N", "-w", "2", "127.0.0.1", strconv.Itoa(a.port))
	if len(r.stdout) != 0 || r.took < 2*time.Second {
		t.Errorf("nc got %q after %s; the server should stay silent and open", r.stdout, r.took)
	}
	a.waitLine("the CLOSE_WAIT note", func(l string) bool { return strings.Contains(l, "#1 note: state CLOSE_WAIT") })
}
