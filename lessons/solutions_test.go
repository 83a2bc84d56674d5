//go:build unix

package lessons_test

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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
)

// Each lesson ships a reference solution and a starter in Go, Node and
// Python (assets/examples/<id>/ and <id>/starter/). These tests run every
// one of them as a real process on loopback and point the lesson's own
// probes, those of `tubes check`, at it: a solution must pass them all, and
// an untouched starter must fail them for a reason a learner can act on,
// not because nothing listens.

// language is one way to run a program of assets/examples.
type language struct {
	name string
	tool string // the interpreter or compiler that must be on PATH
	// command runs the program; dir is assets/examples/<id> or its
	// starter/, bins the directory of the built Go programs.
	command func(bins, id, dir string, starter bool) *exec.Cmd
}

var languages = []language{
	{"go", "go", func(bins, id, _ string, starter bool) *exec.Cmd {
		if starter {
			return exec.Command(filepath.Join(bins, "starters", id))
		}
		return exec.Command(filepath.Join(bins, id))
	}},
	{"node", "node", func(_, _, dir string, _ bool) *exec.Cmd {
		return exec.Command("node", filepath.Join(dir, "server.mjs"))
	}},
	{"python", "python3", func(_, _, dir string, _ bool) *exec.Cmd {
		return exec.Command("python3", filepath.Join(dir, "server.py"))
	}},
}

// checkOptions keep the probes' waits short; timeouts' servers close an
// idle connection after 5 s, keep-alive's after 10 s.
var checkOptions = probe.Options{Wait: 10 * time.Second, IdleWait: 12 * time.Second}

func TestSolutionsAndStarters(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 66 programs")
	}
	bins := buildAllGo(t)
	for _, id := range lessons.IDs() {
		set, ok := lessons.Probes(id)
		if !ok {
			t.Fatalf("lesson %s has no probe set", id)
		}
		for _, lang := range languages {
			for _, starter := range []bool{false, true} {
				kind := "solution"
				dir := filepath.Join("..", "assets", "examples", id)
				if starter {
					kind = "starter"
					dir = filepath.Join(dir, "starter")
				}
				t.Run(id+"/"+lang.name+"/"+kind, func(t *testing.T) {
					if _, err := exec.LookPath(lang.tool); err != nil {
						t.Skipf("%s is not installed: %v", lang.tool, err)
					}
					t.Parallel()
					target := start(t, lang.command(bins, id, dir, starter))
					ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
					defer cancel()
					opt := checkOptions
					opt.Target = target
					rep, err := probe.Run(ctx, id, set, opt)
					if err != nil {
						t.Fatal(err)
					}
					if rep.NotRun {
						t.Fatalf("the probes did not run: %s", rep.Results[0].Reason)
					}
					if !starter {
						for _, r := range rep.Results {
							if !r.Pass {
								t.Errorf("%q failed (%s): %s\nsent: %q\nreceived: %q", r.Name, r.Kind, r.Reason, r.Sent, r.Received)
							}
						}
						return
					}
					failed := 0
					for _, r := range rep.Results {
						if r.Kind == probe.NotListening {
							t.Errorf("%q: the starter was not listening: %s", r.Name, r.Reason)
						}
						if !r.Pass {
							failed++
							t.Logf("%q fails as it should (%s): %s", r.Name, r.Kind, r.Reason)
						}
					}
					if failed == 0 {
						t.Errorf("the untouched starter passes every probe of %s; it should leave the lesson's work to the learner", id)
					}
				})
			}
		}
	}
}

// buildAllGo compiles every Go solution into bins/<id> and every Go
// starter into bins/starters/<id>, once. (The starters' directories are
// all named starter, so they are built one by one.)
func buildAllGo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("go is not installed: %v", err)
	}
	bins := t.TempDir()
	var dirs []string
	for _, id := range lessons.IDs() {
		dirs = append(dirs, "../assets/examples/"+id)
	}
	build := func(args ...string) error {
		out, err := exec.Command("go", append([]string{"build"}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go build %v: %v\n%s", args, err, out)
		}
		return nil
	}
	errs := make(chan error, len(dirs)+1)
	var wg sync.WaitGroup
	wg.Go(func() { errs <- build(append([]string{"-o", bins + string(os.PathSeparator)}, dirs...)...) })
	for i, id := range lessons.IDs() {
		wg.Go(func() { errs <- build("-o", filepath.Join(bins, "starters", id), dirs[i]+"/starter") })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return bins
}

// start runs cmd with PORT set to a free port, in its own process group,
// and waits until that port accepts connections. The process group is
// killed when the test ends.
func start(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	port := freePort(t)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("output of %v:\n%s", cmd.Args, out.String())
		}
	})
	// The program says "listening on" once it holds the port, so a
	// connection that succeeds after that reached this program.
	deadline := time.Now().Add(waitLimit)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil && !strings.Contains(out.String(), "listening on") {
			_ = c.Close()
			err = fmt.Errorf("%s is not listening yet", cmd.Args[0])
		}
		if err == nil {
			_ = c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("%v exited before it listened on %s:\n%s", cmd.Args, addr, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v did not listen on %s within %s:\n%s", cmd.Args, addr, waitLimit, out.String())
		}
	}
}

// usedPorts are the ports freePort handed out: the kernel may offer a port
// again once it is closed, and two programs must never get the same one.
var usedPorts = struct {
	sync.Mutex
	m map[int]bool
}{m: map[int]bool{}}

// freePort asks the kernel for a port that is free right now, and that no
// other test of this run was given.
func freePort(t *testing.T) int {
	t.Helper()
	usedPorts.Lock()
	defer usedPorts.Unlock()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		if !usedPorts.m[port] {
			usedPorts.m[port] = true
			return port
		}
	}
}

// syncBuffer collects a process's output; the process writes it from
// another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// hardCase is an exchange that `tubes check` grows stricter with: the
// request in pieces with pauses between, and what the reply must hold.
type hardCase struct {
	name   string
	pieces []string // written with a pause between them
	want   []string // in the reply, in this order
	closes bool     // the server must close after replying
}

// hardCases are, per lesson, the exchanges every solution must survive.
func hardCases(host string) map[string][]hardCase {
	get := "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
	split := hardCase{"a request split mid-line", []string{"GET / HT", "TP/1.1\r\nHo", "st: " + host + "\r\n\r\n"}, []string{"HTTP/1.1 200 "}, false}
	noHost := hardCase{"HTTP/1.1 without Host", []string{"GET / HTTP/1.1\r\n\r\n"}, []string{"HTTP/1.1 400 "}, true}
	post := func(target, body string) hardCase {
		return hardCase{"a body that comes after its head", []string{"POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n", body},
			[]string{"HTTP/1.1 200 ", body}, false}
	}
	// smuggle is a POST whose head ends with rest, and a GET after it: the
	// POST must get status and a close, and the GET no answer.
	smuggle := func(name, rest, status string) hardCase {
		return hardCase{name, []string{"POST / HTTP/1.1\r\nHost: " + host + "\r\n" + rest + get}, []string{"HTTP/1.1 " + status + " "}, true}
	}
	return map[string][]hardCase{
		"http-response":  {split},
		"content-length": {split},
		"http-request": {split, noHost, post("/form", "name=tubes&lesson=7"),
			{"two requests in one write", []string{get + get}, []string{"HTTP/1.1 200 "}, false},
			{"a version it does not speak", []string{"GET / HTTP/2.0\r\nHost: " + host + "\r\n\r\n"}, []string{"HTTP/1.1 505 "}, true}},
		"routing": {split, noHost, post("/echo", "ping from tubes 🏓"),
			{"a chunked body", []string{"POST /echo HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "6;x=y\r\n world\r\n0\r\n\r\n"}, []string{"HTTP/1.1 200 ", "hello world"}, true}},
		"concurrency": {split},
		"timeouts":    {split},
		"keep-alive": {split, noHost,
			{"two requests in one write", []string{get + get}, []string{"HTTP/1.1 200 ", "response #1", "HTTP/1.1 200 ", "response #2"}, false},
			{"Connection: close", []string{"GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"}, []string{"HTTP/1.1 200 ", "Connection: close\r\n"}, true},
			{"HTTP/1.0", []string{"GET / HTTP/1.0\r\n\r\n"}, []string{"HTTP/1.1 200 "}, true},
			{"a chunked body, then the next request", []string{"POST / HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get},
				[]string{"response #1", "response #2"}, false},
			// Two ways to say where a body ends, or one said twice, is how
			// requests are smuggled past a proxy: refuse, and close.
			smuggle("Content-Length: 0 and chunked", "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
			smuggle("Content-Length and chunked", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
			smuggle("two Content-Lengths", "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", "400"),
			smuggle("a Content-Length with a sign", "Content-Length: +3\r\n\r\nabc", "400"),
			smuggle("a Transfer-Encoding it cannot read", "Transfer-Encoding: gzip\r\n\r\n", "501"),
			smuggle("an empty Transfer-Encoding", "Transfer-Encoding:\r\n\r\n", "501")},
	}
}

func TestSolutionsSurviveHardRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the HTTP solutions")
	}
	bins := buildAllGo(t)
	for id := range hardCases("") {
		for _, lang := range languages {
			t.Run(id+"/"+lang.name, func(t *testing.T) {
				if _, err := exec.LookPath(lang.tool); err != nil {
					t.Skipf("%s is not installed: %v", lang.tool, err)
				}
				t.Parallel()
				target := start(t, lang.command(bins, id, filepath.Join("..", "assets", "examples", id), false))
				for _, hc := range hardCases(target)[id] {
					got, closed := exchange(t, target, hc.pieces, hc.want)
					at := 0
					for _, w := range hc.want {
						i := strings.Index(got[at:], w)
						if i < 0 {
							t.Errorf("%s: want %q after byte %d of the reply %q", hc.name, w, at, got)
							break
						}
						at += i + len(w)
					}
					if hc.closes && !closed {
						t.Errorf("%s: the server kept the connection open after %q", hc.name, got)
					}
					// A server that closes answers once: nothing after the
					// request it closed on was taken for another request.
					if n := len(statusLine.FindAllString(got, -1)); hc.closes && n != 1 {
						t.Errorf("%s: %d responses in %q, want one", hc.name, n, got)
					}
				}
				if id == "concurrency" {
					halfHeldDoesNotBlock(t, target)
				}
			})
		}
	}
}

// exchange writes pieces with 300 ms between them and reads until the
// reply holds every string of want and then goes quiet for a moment, or
// the server closes. It reports the reply and whether the server closed.
// statusLine finds the start of each response in a reply.
var statusLine = regexp.MustCompile(`(?m)^HTTP/1\.[01] [0-9]{3} `)

func exchange(t *testing.T, target string, pieces, want []string) (string, bool) {
	t.Helper()
	c, err := net.DialTimeout("tcp", target, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, p := range pieces {
		if i > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		if _, err := c.Write([]byte(p)); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	var got []byte
	buf := make([]byte, 4096)
	deadline := time.Now().Add(4 * time.Second)
	for time.Now().Before(deadline) {
		wait := 3 * time.Second
		if holdsAll(string(got), want) {
			wait = 300 * time.Millisecond // long enough to see a close
		}
		_ = c.SetReadDeadline(time.Now().Add(wait))
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			return string(got), !errors.Is(err, os.ErrDeadlineExceeded)
		}
	}
	return string(got), false
}

func holdsAll(s string, want []string) bool {
	for _, w := range want {
		i := strings.Index(s, w)
		if i < 0 {
			return false
		}
		s = s[i+len(w):]
	}
	return true
}

// halfHeldDoesNotBlock: while connection A has sent half a request, B
// must still be answered after about the handler's 1 s.
func halfHeldDoesNotBlock(t *testing.T, target string) {
	a, err := net.DialTimeout("tcp", target, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Write([]byte("GET / HTTP/1.1\r\nHost: " + target + "\r\n")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, _ := exchange(t, target, []string{"GET / HTTP/1.1\r\nHost: " + target + "\r\n\r\n"}, []string{"HTTP/1.1 200 "})
	if !strings.HasPrefix(got, "HTTP/1.1 200 ") {
		t.Errorf("with another connection holding half a request, B got %q", got)
	} else if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("with another connection holding half a request, B took %s", took)
	}
}
