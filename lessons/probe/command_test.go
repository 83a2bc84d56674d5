//go:build unix

package probe

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCourse is a Course over setOf, recording what was built.
type testCourse struct {
	ports []int
	built []string
}

func (c *testCourse) Set(id string) (Set, bool) { s, ok := setOf[id]; return s, ok }
func (c *testCourse) Lang() (string, error)     { return "en", nil }
func (c *testCourse) TubesPorts() []int         { return c.ports }
func (c *testCourse) MarkBuilt(id string) error { c.built = append(c.built, id); return nil }
func (c *testCourse) Next(id string) string {
	if id == "content-length" {
		return "http-request"
	}
	return ""
}

// A small Python server for --run: good, or with a syntax error.
const pyGood = `import os, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"]))); s.listen()
while True:
    c, _ = s.accept(); c.recv(4096)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"); c.close()
`

func needPython(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

func checkFlags(lesson string) Flags {
	var f Flags
	f.Lesson, f.Wait, f.ReplyWait, f.IdleWait, f.ProbeTime, f.RunTime = lesson, "5s", "2s", "2s", "10s", "1m"
	return f
}

// --run starts the server with PORT set, checks it, stops it, and says
// what is next; a pass is recorded as built.
func TestCheckRunPasses(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(pyGood), 0o600); err != nil {
		t.Fatal(err)
	}
	f := checkFlags("content-length")
	f.Run = "python3 " + filepath.Join(dir, "server.py")
	c := &testCourse{}
	var out bytes.Buffer
	if err := Check(context.Background(), &out, f, c); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "next: tubes check --lesson http-request") || len(c.built) != 1 || c.built[0] != "content-length" {
		t.Errorf("built %v; report:\n%s", c.built, text)
	}
}

// A server that dies before it listens shows its stderr (escaped), not
// "nothing is listening".
func TestCheckRunShowsStderr(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	bad := "import sys\nsys.stderr.write('SyntaxError: invalid syntax \\x1b[2J\\n')\nsys.exit(3)\n"
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	f := checkFlags("content-length")
	f.Run = "python3 " + filepath.Join(dir, "server.py")
	var out bytes.Buffer
	err := Check(context.Background(), &out, f, &testCourse{})
	text := out.String()
	if err == nil || !strings.Contains(text, "exit status 3") || !strings.Contains(text, "SyntaxError: invalid syntax") ||
		strings.Contains(text, "nothing is listening") || strings.Contains(text, "\x1b") || !strings.Contains(text, `\x1b[2J`) {
		t.Fatalf("err %v; report:\n%s", err, text)
	}
}

// A server that never listens on $PORT is stopped, with the reason.
func TestCheckRunNeverListens(t *testing.T) {
	f := checkFlags("ping-pong")
	f.Run = "echo starting; sleep 30"
	f.Wait = "300ms"
	start := time.Now()
	var out bytes.Buffer
	err := Check(context.Background(), &out, f, &testCourse{})
	if err == nil || !strings.Contains(out.String(), "nothing listened on port") || !strings.Contains(out.String(), "starting") {
		t.Fatalf("err %v; report:\n%s", err, out.String())
	}
	if took := time.Since(start); took > DefaultStartWait+5*time.Second {
		t.Errorf("took %s", took)
	}
}

// StartServer's Stop ends the whole process group: a child the shell
// started is gone too, within the grace.
func TestStartServerStopsGroup(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(pyGood), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := StartServer(context.Background(), "python3 server.py & wait", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !listening(p.Port()) || p.Port() == 3000 || p.Port() == 3001 {
		t.Fatalf("port %d", p.Port())
	}
	start := time.Now()
	p.Stop()
	if time.Since(start) > StopGrace+time.Second {
		t.Errorf("Stop took %s", time.Since(start))
	}
	deadline := time.Now().Add(2 * time.Second)
	for listening(p.Port()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if listening(p.Port()) {
		t.Errorf("the child still listens after Stop")
	}
}

// --list prints the spec from the set, without a server; --target at
// tubes' own port is refused.
func TestCheckListAndTubesItself(t *testing.T) {
	f := checkFlags("http-request")
	f.List = true
	var out bytes.Buffer
	if err := Check(context.Background(), &out, f, &testCourse{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1. GET / is answered with 200", "sends:", `GET / HTTP/1.1\r\nHost: localhost:8080`, "passes:", "POST /form"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("spec lacks %q:\n%s", want, out.String())
		}
	}
	f = checkFlags("ping-pong")
	f.Target = "localhost:4321"
	err := Check(context.Background(), &out, f, &testCourse{ports: []int{4321}})
	if err == nil || !strings.Contains(err.Error(), "the target is tubes itself") {
		t.Fatalf("err %v", err)
	}
}

// Watch calls once per burst of saves, and not for swap files.
func TestWatchDebounces(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "server.mjs")
	_ = os.WriteFile(file, []byte("1"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	calls := make(chan struct{}, 10)
	go func() { _ = Watch(ctx, []string{dir}, func() { calls <- struct{}{} }) }()
	time.Sleep(200 * time.Millisecond)
	_ = os.WriteFile(filepath.Join(dir, ".server.mjs.swp"), []byte("x"), 0o600)
	select {
	case <-calls:
		t.Fatal("a swap file counted as a save")
	case <-time.After(600 * time.Millisecond):
	}
	for i := range 3 {
		_ = os.WriteFile(file, []byte{byte(i)}, 0o600)
		time.Sleep(30 * time.Millisecond)
	}
	select {
	case <-calls:
	case <-time.After(3 * time.Second):
		t.Fatal("no call after a save")
	}
	select {
	case <-calls:
		t.Fatal("three quick writes made two calls")
	case <-time.After(600 * time.Millisecond):
	}
}
