//go:build e2e

// Helpers for the end-to-end tests in e2e_test.go: build the real binary
// once, run it as a subprocess, drive it with real clients (curl, nc,
// chromium) and the real TUI under tmux. Nothing here is mocked.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// tubesBin is the binary under test, built once by TestMain.
var tubesBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tubes-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	tubesBin = filepath.Join(dir, "tubes")
	args := []string{"build", "-o", tubesBin}
	// When the suite runs with -race, build the app with -race as well:
	// the app is where the goroutines are, so that is where races show.
	if raceEnabled() {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build failed:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// need returns the path of the first of names found in PATH. Outside CI a
// missing tool skips the test; in CI (CI=true) every test must run.
func need(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	missing(t, strings.Join(names, " or ")+" not found in PATH")
	return ""
}

func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (required in CI; .ci/run installs it)", why)
	}
	t.Skipf("%s; install it to run this test", why)
}

// needNC returns OpenBSD netcat: the tests use its -N (shut down writes on
// stdin EOF), which the traditional netcat lacks.
func needNC(t *testing.T) string {
	t.Helper()
	nc := need(t, "nc")
	out, _ := exec.Command(nc, "-h").CombinedOutput()
	if !bytes.Contains(out, []byte("OpenBSD")) {
		missing(t, nc+" is not OpenBSD netcat (package netcat-openbsd)")
	}
	return nc
}

// baseEnv is the environment every subprocess gets: its own state dir, race
// reports in files (so stderr stays what the app wrote) and English text.
func baseEnv(t *testing.T, raceDir string) []string {
	return append(ownEnv(t, raceDir), inherited()...)
}

// ownEnv are the variables the tests set for the app.
func ownEnv(t *testing.T, raceDir string) []string {
	return []string{
		"TUBES_STATE_DIR=" + t.TempDir(),
		"GORACE=log_path=" + filepath.Join(raceDir, "race"),
		"LC_ALL=C.UTF-8",
		"LANG=C.UTF-8",
	}
}

// inherited is the test's environment minus what ownEnv sets and what
// would tie a subprocess to a terminal multiplexer or theme we run in.
func inherited() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "TUBES_STATE_DIR", "GORACE", "LC_ALL", "LC_MESSAGES", "LANG", "TMUX", "TMUX_PANE", "NO_COLOR":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// checkRaces fails t if a -race build of the app wrote a report to dir.
func checkRaces(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "race*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		t.Errorf("data race in the app (%s):\n%s", filepath.Base(f), b)
	}
}

// syncBuffer is a bytes.Buffer safe for the subprocess writer and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// app is one run of the tubes binary without a terminal.
type app struct {
	t       *testing.T
	cmd     *exec.Cmd
	stdout  syncBuffer
	stderr  syncBuffer
	exited  chan struct{}
	waitErr error
	raceDir string
	port    int
	stop    sync.Once
}

// startServe runs `tubes serve ARGS --port 0`, waits for the transcript's
// listening line and returns with the chosen port. It is stopped with
// SIGINT when the test ends, and must then exit 0.
func startServe(t *testing.T, args ...string) *app {
	t.Helper()
	return startCmd(t, append([]string{"serve"}, args...)...)
}

// startCmd runs `tubes ARGS --port 0` for any command that prints a
// transcript (serve, tap --plain), like startServe.
func startCmd(t *testing.T, args ...string) *app {
	t.Helper()
	a := &app{t: t, exited: make(chan struct{}), raceDir: t.TempDir()}
	a.cmd = exec.Command(tubesBin, append(args, "--port", "0")...)
	a.cmd.Env = baseEnv(t, a.raceDir)
	a.cmd.Stdout, a.cmd.Stderr = &a.stdout, &a.stderr
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", tubesBin, err)
	}
	go func() { a.waitErr = a.cmd.Wait(); close(a.exited) }()
	t.Cleanup(a.Stop)

	// 127.0.0.1 by default; every interface ([::]) with --lan.
	m := a.waitMatch(`listening on (?:127\.0\.0\.1|\[::\]):(\d+) \(`)
	a.port, _ = strconv.Atoi(m[1])
	return a
}

// Stop sends SIGINT (Ctrl+C), as a user would, and checks a clean exit. If
// the app has not exited after a few seconds it is killed.
func (a *app) Stop() {
	a.stop.Do(func() {
		t := a.t
		_ = a.cmd.Process.Signal(os.Interrupt)
		select {
		case <-a.exited:
		case <-time.After(10 * time.Second):
			_ = a.cmd.Process.Kill()
			<-a.exited
			t.Errorf("tubes did not exit within 10s of SIGINT; killed\nstderr:\n%s", a.stderr.Bytes())
			return
		}
		if a.waitErr != nil {
			t.Errorf("tubes exited with %v after SIGINT, want exit 0\nstderr:\n%s", a.waitErr, a.stderr.Bytes())
		}
		checkRaces(t, a.raceDir)
	})
}

// lines are the complete transcript lines printed so far.
func (a *app) lines() []string {
	out := string(a.stdout.Bytes())
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		return strings.Split(out[:i], "\n")
	}
	return nil
}

// waitLine polls the transcript until a line satisfies ok, and returns it.
func (a *app) waitLine(what string, ok func(string) bool) string {
	a.t.Helper()
	var found string
	waitFor(a.t, 10*time.Second, "transcript line "+what, func() bool {
		for _, l := range a.lines() {
			if ok(l) {
				found = l
				return true
			}
		}
		select {
		case <-a.exited:
			a.t.Fatalf("tubes exited (%v) before printing %s\nstdout:\n%s\nstderr:\n%s", a.waitErr, what, a.stdout.Bytes(), a.stderr.Bytes())
		default:
		}
		return false
	}, a.dump)
	return found
}

// waitMatch waits for a line matching the regexp and returns its submatches.
func (a *app) waitMatch(expr string) []string {
	a.t.Helper()
	re := regexp.MustCompile(expr)
	return re.FindStringSubmatch(a.waitLine("matching "+expr, re.MatchString))
}

func (a *app) dump() string {
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", a.stdout.Bytes(), a.stderr.Bytes())
}

// wireEvent is a recv or sent line of the transcript, its data unescaped.
type wireEvent struct {
	conn      string
	kind      string // "recv" or "sent"
	count     int
	data      []byte
	truncated bool
}

// The quoted data may itself contain `"` (only `\` is escaped), so the
// pattern takes everything up to the last quote.
var wireLine = regexp.MustCompile(`^\S+ #(\d+) (recv|sent) (\d+) B "(.*)"(…?)$`)

// wire parses the transcript's recv and sent lines.
func (a *app) wire() []wireEvent {
	a.t.Helper()
	var out []wireEvent
	for _, l := range a.lines() {
		m := wireLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		data, err := netcore.Unescape(m[4])
		if err != nil {
			a.t.Fatalf("transcript data does not unescape (%v): %s", err, l)
		}
		n, _ := strconv.Atoi(m[3])
		out = append(out, wireEvent{conn: m[1], kind: m[2], count: n, data: data, truncated: m[5] != ""})
	}
	return out
}

// stream joins the bytes of one direction of one connection, failing if
// the transcript left any out.
func (a *app) stream(conn, kind string) []byte {
	a.t.Helper()
	var b []byte
	for _, e := range a.wire() {
		if e.conn != conn || e.kind != kind {
			continue
		}
		if e.truncated || len(e.data) != e.count {
			a.t.Fatalf("#%s %s line is truncated: %d of %d bytes shown", conn, kind, len(e.data), e.count)
		}
		b = append(b, e.data...)
	}
	return b
}

// waitFor polls cond every 50ms until it holds or the time is up.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool, dump func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s\n%s", limit, what, dump())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// result is what a finished client run left behind.
type result struct {
	stdout, stderr []byte
	code           int
	took           time.Duration
}

// runTool runs a client to completion within limit. It gets its own process
// group so that a timeout also ends its children (chromium has many).
func runTool(t *testing.T, limit time.Duration, stdin []byte, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if env != nil {
		cmd.Env = env
	}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.Bytes(), stderr: errb.Bytes(), took: time.Since(start)}
	if cmd.Process != nil {
		// Leftover helpers of the tool, if any, are ours to end.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %s\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), limit, r.stdout, r.stderr)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", name, err)
	}
	return r
}

// curl runs curl quietly against 127.0.0.1/localhost, never via a proxy.
func curl(t *testing.T, limit time.Duration, args ...string) result {
	t.Helper()
	return runTool(t, limit, nil, nil, need(t, "curl"), append([]string{"-sS", "--noproxy", "*"}, args...)...)
}

// ncSend sends data to 127.0.0.1:port with OpenBSD nc, shuts down its write
// side at the end (-N) and returns what the server sent back.
func ncSend(t *testing.T, port int, data []byte) result {
	t.Helper()
	return runTool(t, 15*time.Second, data, nil, needNC(t), "-N", "-w", "3", "127.0.0.1", strconv.Itoa(port))
}

// freePort finds a port free on both 127.0.0.1 and ::1 (tubes listens on
// both for localhost). Another process may take it before we use it; the
// TUI helper retries for that reason.
func freePort(t *testing.T) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(p)))
		l.Close()
		if err == nil {
			l6.Close()
			return p
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return p // no IPv6 loopback here
		}
	}
	t.Fatal("no free port found")
	return 0
}

// tuiSession is the real TUI running in a detached tmux session on a private
// tmux server (-L), so nothing touches the user's own tmux.
type tuiSession struct {
	t       *testing.T
	tmux    string
	sock    string
	dir     string
	raceDir string
	own     []string // ownEnv, also passed explicitly on the pane's command line
	port    int
}

var tmuxSeq atomic.Int64

// startTUI runs `tubes ARGS --port P` in a width×height tmux window, with P
// a free port, and waits until the screen has drawn its events pane.
func startTUI(t *testing.T, width, height int, args ...string) *tuiSession {
	t.Helper()
	tmux := need(t, "tmux")
	for try := 1; ; try++ {
		s := &tuiSession{t: t, tmux: tmux, dir: t.TempDir(), raceDir: t.TempDir(), port: freePort(t)}
		s.sock = fmt.Sprintf("tubes-e2e-%d-%d", os.Getpid(), tmuxSeq.Add(1))
		s.own = ownEnv(t, s.raceDir)
		// The pane runs a shell that records the app's exit code and keeps
		// its stderr, so a failed start can be explained.
		argv := append([]string{tubesBin}, args...)
		argv = append(argv, "--port", strconv.Itoa(s.port))
		var q []string
		for _, a := range append(append([]string{"env"}, s.own...), argv...) {
			q = append(q, shellQuote(a))
		}
		script := fmt.Sprintf("%s 2>%s; echo $? >%s", strings.Join(q, " "),
			shellQuote(filepath.Join(s.dir, "stderr")), shellQuote(filepath.Join(s.dir, "exit")))
		// No config file, and OSC 52 allowed: if a client's clipboard escape
		// ever reached the terminal, tmux would store it as a paste buffer.
		s.run("-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), script,
			";", "set-option", "-g", "set-clipboard", "on")
		t.Cleanup(func() {
			_, _ = s.try("kill-server")
			checkRaces(t, s.raceDir)
		})

		started := false
		waitFor(t, 10*time.Second, "the TUI to draw its Events pane", func() bool {
			if strings.Contains(s.screen(), "Events") {
				started = true
				return true
			}
			_, err := os.Stat(filepath.Join(s.dir, "exit"))
			return err == nil // exited: stop waiting and look why
		}, s.dump)
		if started {
			return s
		}
		errText, _ := os.ReadFile(filepath.Join(s.dir, "stderr"))
		if try < 3 && bytes.Contains(errText, []byte("already in use")) {
			continue // someone took the free port meanwhile: pick another
		}
		t.Fatalf("the TUI exited before drawing\n%s", s.dump())
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// tmuxEnv is the environment for tmux itself: UTF-8, a plain shell.
func (s *tuiSession) tmuxEnv() []string {
	env := append(append([]string{}, s.own...), inherited()...)
	env = append(env, "SHELL=/bin/sh")
	if os.Getenv("TERM") == "" || os.Getenv("TERM") == "dumb" {
		env = append(env, "TERM=xterm-256color")
	}
	return env
}

// try runs a tmux command on this test's tmux server.
func (s *tuiSession) try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.tmux, append([]string{"-u", "-L", s.sock}, args...)...)
	cmd.Env = s.tmuxEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *tuiSession) run(args ...string) string {
	s.t.Helper()
	out, err := s.try(args...)
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// screen is the visible pane as text ("" once the session is gone).
func (s *tuiSession) screen() string {
	out, err := s.try("capture-pane", "-p")
	if err != nil {
		return ""
	}
	return out
}

func (s *tuiSession) dump() string {
	errText, _ := os.ReadFile(filepath.Join(s.dir, "stderr"))
	return fmt.Sprintf("screen:\n%s\napp stderr:\n%s", s.screen(), errText)
}

// waitScreen polls the screen until it contains every one of want.
func (s *tuiSession) waitScreen(want ...string) string {
	s.t.Helper()
	var scr string
	waitFor(s.t, 10*time.Second, fmt.Sprintf("the screen to show %q", want), func() bool {
		scr = s.screen()
		for _, w := range want {
			if !strings.Contains(scr, w) {
				return false
			}
		}
		return true
	}, s.dump)
	return scr
}

func (s *tuiSession) keys(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys"}, keys...)...)
}

// quit presses q and checks that the app ends, with exit code 0.
func (s *tuiSession) quit() {
	s.t.Helper()
	s.keys("q")
	waitFor(s.t, 10*time.Second, "the tmux session to end after q", func() bool {
		_, err := s.try("has-session")
		return err != nil
	}, s.dump)
	code, err := os.ReadFile(filepath.Join(s.dir, "exit"))
	if err != nil {
		s.t.Fatalf("no exit code recorded: %v", err)
	}
	if c := strings.TrimSpace(string(code)); c != "0" {
		errText, _ := os.ReadFile(filepath.Join(s.dir, "stderr"))
		s.t.Errorf("tubes exited with %s after q, want 0\nstderr:\n%s", c, errText)
	}
}

// chromiumDump loads url in headless Chromium with a private profile and
// home, no proxy and nothing phoning home, and returns the DOM it printed.
func chromiumDump(t *testing.T, chromium, url string) result {
	t.Helper()
	home := t.TempDir()
	env := append(inherited(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	return runTool(t, 60*time.Second, nil, env, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-proxy-server", "--disable-breakpad",
		"--user-data-dir="+t.TempDir(),
		"--dump-dom", url)
}

// ncHold opens a connection with nc and keeps it open until killed.
func ncHold(t *testing.T, port int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(needNC(t), "127.0.0.1", strconv.Itoa(port))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}
