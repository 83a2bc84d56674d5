//go:build unix

package lessons_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

// starterPasses lists the lessons whose starter passes the probes on
// purpose, with the reason. tcp-accept's probes only check that a
// connection is accepted, and every starter listens and accepts, so that
// a learner begins from a program that runs; its TODOs (read and log, close
// idle connections) are what no probe of that lesson checks.
var starterPasses = map[string]string{
	"tcp-accept": "its probes only check that a connection is accepted, which every starter does",
}

// checkOptions keep the probes' waits short; timeouts' servers close an
// idle connection after 5 s.
var checkOptions = probe.Options{Wait: 10 * time.Second, IdleWait: 8 * time.Second}

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
					if !starter || starterPasses[id] != "" {
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
