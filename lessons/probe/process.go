package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A server tubes starts for the learner (`tubes check --run`, and the
// TUI's "Your turn" step): a free port, the command in its own process
// group with PORT set, its output kept in a small ring, and a wait for it
// to listen that never connects to it.

// DefaultStartWait is how long a started server has to begin listening.
const DefaultStartWait = 10 * time.Second

// Process is a learner's server that tubes started.
type Process struct {
	Command string // as typed, before {port} was filled in
	Dir     string
	port    int
	cmd     *exec.Cmd
	stdout  *tailBuffer
	stderr  *tailBuffer
	exited  chan struct{}
	waitErr error // set before exited closes
	stop    sync.Once
}

// Errors of a start that did not come to listen.
var (
	ErrExited       = errors.New("the server exited")
	ErrNotListening = errors.New("the server did not listen in time")
)

// StartServer picks a free port, starts command in dir ("": the current
// one) (through the
// shell: sh -c on unix, cmd /C on Windows) with PORT set in its
// environment and {port} in command replaced, and waits until something
// listens on that port, without connecting to it. It waits for
// DefaultStartWait at most, or until ctx ends or the program exits. On
// ErrExited and ErrNotListening the Process is returned too, so that its
// Stderr can be shown; Stop it in every case.
func StartServer(ctx context.Context, command, dir string) (*Process, error) {
	return startServer(ctx, command, dir, DefaultStartWait)
}

func startServer(ctx context.Context, command, dir string, wait time.Duration) (*Process, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("cannot find a free port: %w", err)
	}
	ps := strconv.Itoa(port)
	cmd := shellCommand(strings.ReplaceAll(command, "{port}", ps))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+ps)
	p := &Process{Command: command, Dir: dir, port: port, cmd: cmd,
		stdout: newTailBuffer(tailLines, tailBytes), stderr: newTailBuffer(tailLines, tailBytes), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	return p, p.waitListening(ctx, wait)
}

// Port is the port the server was given.
func (p *Process) Port() int { return p.port }

// Target is where the probes reach it: localhost, so that a server on
// either 127.0.0.1 or ::1 is found.
func (p *Process) Target() string { return net.JoinHostPort("localhost", strconv.Itoa(p.port)) }

// Exited is closed once the program has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// ExitStatus says how the program ended ("exit status 1", "signal:
// killed"), or "" while it runs.
func (p *Process) ExitStatus() string {
	select {
	case <-p.exited:
	default:
		return ""
	}
	if p.waitErr == nil {
		return "exit status 0"
	}
	return p.waitErr.Error()
}

// Stderr is the last lines the program wrote to its stderr (at most
// tailLines lines and tailBytes bytes), raw: escape them to show them.
func (p *Process) Stderr() []string { return p.stderr.Lines() }

// Stdout is the same for its stdout.
func (p *Process) Stdout() []string { return p.stdout.Lines() }

// Info is what a report says of the program: how it ended and its last
// lines (stderr, or stdout when stderr is empty).
func (p *Process) Info() *ServerInfo {
	tail := p.Stderr()
	if len(tail) == 0 {
		tail = p.Stdout()
	}
	return &ServerInfo{Command: p.Command, Exit: p.ExitStatus(), Tail: tail}
}

// StopGrace is how long Stop waits after SIGTERM before it kills.
const StopGrace = 2 * time.Second

// Stop ends the program and its children: SIGTERM to its process group,
// then SIGKILL after StopGrace (on Windows it kills the process at once).
// It returns once the program has exited.
func (p *Process) Stop() {
	p.stop.Do(func() {
		select {
		case <-p.exited:
			killGroup(p.cmd) // children it left behind
			return
		default:
		}
		terminate(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(StopGrace):
		}
		killGroup(p.cmd)
		<-p.exited
	})
}

// waitListening polls, without connecting, until the port has a
// listening socket, the program exits, ctx ends or wait passes.
func (p *Process) waitListening(ctx context.Context, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	pause := 20 * time.Millisecond
	for {
		if listening(p.port) {
			return nil
		}
		select {
		case <-p.exited:
			return ErrExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		if time.Now().After(deadline) {
			return ErrNotListening
		}
		pause = min(pause*2, 200*time.Millisecond)
	}
}

// freePort asks the system for a free port on loopback, never one of
// tubes' own defaults.
func freePort() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port == 3000 || port == 3001 || listening(port) {
			continue
		}
		return port, nil
	}
	return 0, errors.New("every port tried was taken")
}

// RunDir is the directory a check watches by default (--watch, and the
// Your-turn step): that of the first file the command names that exists
// (server.mjs in "node server.mjs"), or the folder it names (go run
// ./cmd/server), else the current directory.
func RunDir(command string) string {
	for _, f := range strings.Fields(command) {
		f = strings.Trim(f, `"'`)
		if strings.HasPrefix(f, "-") || !strings.ContainsAny(f, "./\\") {
			continue
		}
		if st, err := os.Stat(f); err == nil {
			if st.IsDir() {
				return f // go run ./cmd/server
			}
			return filepath.Dir(f)
		}
	}
	return "."
}
