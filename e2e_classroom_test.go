//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// --record saves the session as JSON lines; tubes replay plays it back in
// the screen, hostile bytes still escaped, with pause and step.
func TestRecordAndReplay(t *testing.T) {
	t.Parallel()
	rec := filepath.Join(t.TempDir(), "class.jsonl")
	a := startServe(t, "--lesson", "ping-pong", "--record", rec)
	r := ncSend(t, a.port, []byte("hello\x1b]0;pwned\x07"))
	if string(r.stdout) != "Hello client! 🎉" {
		t.Fatalf("nc got %q", r.stdout)
	}
	a.waitLine("closed", func(l string) bool { return strings.Contains(l, " closed ") })
	a.Stop() // the recording is complete once tubes exits
	raw, err := os.ReadFile(rec)
	if err != nil || strings.Count(string(raw), "\n") < 5 {
		t.Fatalf("recording: %v\n%s", err, raw)
	}
	if strings.Contains(string(raw), "\x1b") {
		t.Fatal("the recording holds a raw escape byte")
	}
	s := startTUI(t, 120, 40, "replay", rec)
	s.waitScreen("replay", `recv 15 B "hello\x1b]0;pwned\x07"`, "Hello client! 🎉")
	if title := s.run("display", "-p", "#{pane_title}"); strings.Contains(title, "pwned") {
		t.Fatalf("the replay set the window title: %q", title)
	}
	s.quit()
}

// --lan listens on every interface and the status line says the room can
// connect; a second connection from one address over --max-conns-per-ip
// is refused politely, with an event that names the limit.
func TestLANAndPerAddressLimit(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "tcp-accept", "--step", "2", "--lan", "--max-conns-per-ip", "1")
	first := ncHold(t, a.port)
	defer first.Process.Kill()
	a.waitLine("the first accepted", func(l string) bool { return strings.Contains(l, " accepted ") })
	r := runTool(t, 10*time.Second, []byte{}, nil, needNC(t), "-N", "-w", "3", "127.0.0.1", strconv.Itoa(a.port))
	if len(r.stdout) != 0 {
		t.Fatalf("a refused client should get nothing, got %q", r.stdout)
	}
	a.waitLine("the refusal", func(l string) bool {
		return strings.Contains(l, " refused ") && strings.Contains(l, "limit per address (1 open from 127.0.0.1)")
	})

	s := startTUI(t, 140, 40, "--lan", "--lesson", "tcp-accept")
	s.waitScreen("open to the room:")
	s.keys("u")
	s.waitScreen("Scan to open", "█")
	s.keys("Escape") // q would only close the code, like any overlay
	// An ESC followed at once by q reads as alt+q; a person is slower.
	time.Sleep(300 * time.Millisecond)
	s.quit()
}
