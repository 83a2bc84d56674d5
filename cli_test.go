package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// These tests run the real binary, built once here, with no terminal.

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tubes-cli-")
		if err != nil {
			cliErr = err
			return
		}
		cliBin = filepath.Join(dir, "tubes")
		out, err := exec.Command("go", "build", "-o", cliBin, ".").CombinedOutput()
		if err != nil {
			cliErr = &buildError{err, out}
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliBin
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + string(e.out) }

type ran struct {
	code           int
	stdout, stderr string
}

// tubes runs the binary with args, stdin empty, in a state directory of
// its own (or env's TUBES_STATE_DIR), in English unless env's locale says
// otherwise, for at most 20 s.
func tubes(t *testing.T, env []string, args ...string) ran {
	t.Helper()
	return tubesStdin(t, env, "", args...)
}

// tubesStdin is tubes with stdin as its input.
func tubesStdin(t *testing.T, env []string, stdin string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(append(os.Environ(), "TUBES_STATE_DIR="+t.TempDir(), "NO_COLOR=", "LC_ALL=", "LC_MESSAGES=", "LANG=C.UTF-8"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("tubes %q did not finish\nstderr: %q", args, errOut.String())
	}
	return ran{cmd.ProcessState.ExitCode(), out.String(), errOut.String()}
}

// Each command takes only the flags it acts on: others are bad usage,
// and --help lists exactly its own.
func TestFlagsPerCommand(t *testing.T) {
	server := []string{"capture", "capture-total", "conn-rate", "header-timeout", "idle-timeout", "lan", "listen",
		"max-conns", "max-conns-per-ip", "max-header-bytes", "port", "record", "record-max", "room-port"}
	for _, tc := range []struct {
		cmd  []string
		want []string
	}{
		{nil, append([]string{"help", "json", "lang", "lesson", "no-color", "plain", "presenter", "step", "theme", "version"}, server...)},
		{[]string{"serve"}, append([]string{"help", "json", "lang", "lesson", "step"}, server...)},
		{[]string{"tap"}, append([]string{"help", "json", "lang", "no-color", "plain", "presenter", "target", "theme"}, server...)},
		{[]string{"check"}, []string{"help", "idle-wait", "json", "lang", "lesson", "list", "probe-time", "reply-wait", "run", "run-time", "target", "wait", "watch"}},
		{[]string{"init"}, []string{"code", "dir", "force", "help", "lang", "lesson"}},
		{[]string{"lessons"}, []string{"help", "json", "lang"}},
		{[]string{"reset"}, []string{"help", "yes"}},
		{[]string{"replay"}, []string{"help", "json", "lang", "no-color", "plain", "port", "presenter", "theme"}},
		{[]string{"doctor"}, []string{"help", "lang", "port"}},
	} {
		name := strings.Join(append([]string{"tubes"}, tc.cmd...), " ")
		r := tubes(t, nil, append(slices.Clone(tc.cmd), "--help")...)
		got := helpFlags(r.stdout)
		slices.Sort(tc.want)
		if r.code != 0 || !slices.Equal(got, tc.want) {
			t.Errorf("%s --help: exit %d, flags\n  %v\nwant\n  %v", name, r.code, got, tc.want)
		}
	}
	for _, args := range [][]string{
		{"lessons", "--record", "x"},
		{"check", "--lan"},
		{"check", "--port", "4100"},
		{"reset", "--listen", "localhost:4101"},
		{"serve", "--lesson", "ping-pong", "--theme", "contrast"},
		{"doctor", "--record", "x"},
	} {
		r := tubes(t, nil, args...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "unknown flag") || r.stdout != "" {
			t.Errorf("tubes %v: exit %d, stderr %q, stdout %q; want 2 and one line", args, r.code, r.stderr, r.stdout)
		}
	}
	if _, err := os.Stat("x"); err == nil {
		t.Error("lessons --record x created x")
	}
}

var helpFlag = regexp.MustCompile(`^\s+(?:-\w )?--([a-z-]+)`)

func helpFlags(help string) []string {
	var out []string
	inFlags := false
	for _, l := range strings.Split(help, "\n") {
		if strings.TrimSpace(l) == "FLAGS" {
			inFlags = true
			continue
		}
		if m := helpFlag.FindStringSubmatch(l); inFlags && m != nil {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// Names from outside (file names, addresses, flag names and values, the
// state directory) reach stderr escaped: no control byte, no C1 code, no
// bidi control, and still one line.
func TestHostileNamesInErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("not a recording\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\x1b[2J", "\x1b]0;pwned\x07", "\x1b_X\x1b\\", "a\rb\nc", "evil\u202egnp", "\u009b31m", "\x9b31m", "del\x7f"} {
		for _, tc := range []struct {
			what string
			env  []string
			args []string
		}{
			{"replay FILE", nil, []string{"replay", "/nonexistent/" + bad}},
			{"--record FILE", nil, []string{"serve", "--lesson", "ping-pong", "--port", "0", "--record", "/nonexistent/" + bad + ".jsonl"}},
			{"tap --target", nil, []string{"tap", "--plain", "--port", "0", "--target", bad + "x:1"}},
			{"check --target", nil, []string{"check", "--lesson", "ping-pong", "--wait", "0", "--target", bad + ":1"}},
			{"--listen", nil, []string{"serve", "--lesson", "ping-pong", "--listen", bad + ":0"}},
			{"flag name", nil, []string{"--" + bad}},
			{"short flag", nil, []string{"-" + bad}},
			{"command", nil, []string{bad}},
			{"--lesson", nil, []string{"serve", "--lesson", bad}},
			{"check --lesson", nil, []string{"check", "--lesson", bad, "--target", "localhost:1"}},
			{"--port", nil, []string{"serve", "--lesson", "ping-pong", "--port", bad}},
			{"--theme", nil, []string{"--theme", bad}},
			{"--lang", nil, []string{"lessons", "--lang", bad}},
			{"--wait", nil, []string{"check", "--lesson", "ping-pong", "--target", "localhost:1", "--wait", bad}},
			{"reset ID", nil, []string{"reset", "--yes", bad}},
			{"init --lesson", nil, []string{"init", "--lesson", bad, "--code", "node", "--dir", t.TempDir()}},
			{"init --code", nil, []string{"init", "--lesson", "ping-pong", "--code", bad, "--dir", t.TempDir()}},
			{"TUBES_STATE_DIR", []string{"TUBES_STATE_DIR=" + filepath.Join(file, bad)}, []string{"lessons"}},
			{"TUBES_STATE_DIR doctor", []string{"TUBES_STATE_DIR=" + filepath.Join(file, bad)}, []string{"doctor", "--port", "0"}},
		} {
			r := tubes(t, tc.env, tc.args...)
			where := tc.what + " " + strconv.Quote(bad)
			if r.code == 0 {
				t.Errorf("%s: exit 0", where)
			}
			if msg, ok := strings.CutSuffix(r.stderr, "\n"); !ok || msg == "" || !terminalSafe(msg) {
				t.Errorf("%s: stderr is not one safe line: %q", where, r.stderr)
			}
			if !terminalSafe(strings.ReplaceAll(r.stdout, "\n", "")) {
				t.Errorf("%s: stdout is not safe: %q", where, r.stdout)
			}
		}
	}
}

// terminalSafe: valid UTF-8 with no C0 control, DEL, C1 control or bidi
// control in it.
func terminalSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return false
		}
	}
	return true
}

// Without a terminal the course prints the transcript instead, and says
// so in one line on stderr.
func TestNoTerminalTranscript(t *testing.T) {
	cmd := exec.Command(binary(t), "--lesson", "ping-pong", "--port", "0")
	cmd.Env = append(os.Environ(), "TUBES_STATE_DIR="+t.TempDir())
	var out, errOut syncBuf
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), " listening on ") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if !strings.Contains(out.String(), " listening on ") || len(lines) != 2 || !strings.Contains(lines[0], "no terminal") ||
		!strings.Contains(lines[1], "serving ping-pong") {
		t.Fatalf("stdout %q\nstderr %q", out.String(), errOut.String())
	}
	if strings.Contains(errOut.String(), "TTY") {
		t.Errorf("still tries the screen: %q", errOut.String())
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Completion offers the lesson ids for --lesson; man and --version work.
func TestCompletionManVersion(t *testing.T) {
	r := tubes(t, nil, "__complete", "serve", "--lesson", "")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "tcp-accept\nclient\n") || !strings.Contains(r.stdout, "\nkeep-alive\n") {
		t.Errorf("completing --lesson: exit %d\n%s", r.code, r.stdout)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if r := tubes(t, nil, "completion", shell); r.code != 0 || !strings.Contains(r.stdout, "tubes") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	if r := tubes(t, nil, "man"); r.code != 0 || !strings.HasPrefix(r.stdout, ".TH TUBES 1") || !strings.Contains(r.stdout, "doctor") {
		t.Errorf("man: exit %d\n%.200s", r.code, r.stdout)
	}
	r = tubes(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "tubes ") || !strings.Contains(r.stdout, ", go1.") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}
}

// doctor exits 1 with a one-line summary when the port is taken, and
// names the port in its report.
func TestDoctorBusyPort(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	r := tubes(t, nil, "doctor", "--port", port)
	if r.code != 1 || !strings.Contains(r.stdout, "✗ port: localhost:"+port+" is in use") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("doctor --port %s: exit %d\nstdout:\n%s\nstderr: %q", port, r.code, r.stdout, r.stderr)
	}
}

// tubes init writes the starter once, then refuses with exit 1 and one
// line; a bad --code or --lesson is bad usage, exit 2.
func TestInitExitCodes(t *testing.T) {
	dir := t.TempDir()
	r := tubes(t, nil, "init", "--lesson", "ping-pong", "--code", "go", "--dir", dir)
	if r.code != 0 || !strings.Contains(string(r.stdout), `tubes check --lesson ping-pong --run "go run main.go"`) {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		t.Fatal(err)
	}
	r = tubes(t, nil, "init", "--lesson", "ping-pong", "--code", "go", "--dir", dir)
	if r.code != 1 || strings.Count(string(r.stderr), "\n") != 1 {
		t.Errorf("init over a file: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, args := range [][]string{{"--lesson", "ping-pong", "--code", "rust"}, {"--lesson", "nope", "--code", "go"}, {"--code", "go"}} {
		if r := tubes(t, nil, append([]string{"init", "--dir", t.TempDir()}, args...)...); r.code != 2 {
			t.Errorf("init %v: exit %d, want 2", args, r.code)
		}
	}
}
