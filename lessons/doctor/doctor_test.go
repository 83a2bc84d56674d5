package doctor

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
)

// A port another program holds is reported busy, with the fix, and
// counts as a problem; once it is let go the same port is free.
func TestPortBusyThenFree(t *testing.T) {
	ui := lessons.UIStrings("en")
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	addr := "127.0.0.1:" + strconv.Itoa(port)
	t.Setenv("TUBES_STATE_DIR", t.TempDir())
	var out bytes.Buffer
	problems := Run(&out, Options{Addr: addr, UI: ui, Version: Version("", "")})
	if problems < 1 {
		t.Errorf("a busy port is no problem?\n%s", &out)
	}
	line := lineOf(t, out.String(), "port:")
	if !strings.HasPrefix(line, "✗") || !strings.Contains(line, "in use") || !strings.Contains(line, "--port "+strconv.Itoa(port+1)) {
		t.Errorf("busy port line: %q", line)
	}
	l.Close()
	if got := Port(ui, addr); got.Fix != "" || !strings.Contains(got.Text, "is free") {
		t.Errorf("free port: %+v", got)
	}
}

// The state directory is checked by writing to it: a path under a plain
// file cannot be made, whoever runs the test (root included).
func TestStateWritable(t *testing.T) {
	ui := lessons.UIStrings("en")
	dir := t.TempDir()
	t.Setenv("TUBES_STATE_DIR", filepath.Join(dir, "state"))
	if got := State(ui); got.Fix != "" || !strings.Contains(got.Text, "is writable") {
		t.Errorf("writable state: %+v", got)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "state")); len(left) != 0 {
		t.Errorf("doctor left files behind: %v", left)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TUBES_STATE_DIR", filepath.Join(file, "state\x1b]0;x\x07"))
	got := State(ui)
	if got.Fix == "" || !strings.Contains(got.Text, "not writable") || !strings.Contains(got.Fix, "TUBES_STATE_DIR") {
		t.Errorf("unwritable state: %+v", got)
	}
	var out bytes.Buffer
	Run(&out, Options{Addr: "127.0.0.1:0", UI: ui, Version: "v"})
	if s := out.String(); strings.ContainsAny(s, "\x1b\x07") || !strings.Contains(s, `state\x1b]0;x\x07`) {
		t.Errorf("the state directory's name must be escaped:\n%s", s)
	}
}

// Every line is there in Korean as well, with no key left unfilled.
func TestKoreanLines(t *testing.T) {
	t.Setenv("TUBES_STATE_DIR", t.TempDir())
	var out bytes.Buffer
	Run(&out, Options{Addr: "127.0.0.1:0", UI: lessons.UIStrings("ko"), Version: "v"})
	s := out.String()
	if n := strings.Count(s, "\n"); n != 7 || strings.Contains(s, "{") || !strings.Contains(s, "포트") {
		t.Errorf("%d lines:\n%s", n, s)
	}
}

func TestVersionNamesGo(t *testing.T) {
	if v := Version("v1.2.3", "0123456789abcdef0123"); !strings.HasPrefix(v, "v1.2.3 (commit 0123456789ab") || !strings.Contains(v, "go1.") {
		t.Errorf("Version = %q", v)
	}
	// A test binary has no module version: it was built from source.
	if v := Version("", ""); !strings.HasPrefix(v, "built from source") {
		t.Errorf("Version = %q", v)
	}
}

func lineOf(t *testing.T, s, what string) string {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, what) {
			return l
		}
	}
	t.Fatalf("no %q line in\n%s", what, s)
	return ""
}
