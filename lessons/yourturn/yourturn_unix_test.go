//go:build unix

package yourturn

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A server still starting when its run stops is stopped too, even when
// no one hands its Msg to Handle (the app quit in the meantime).
func TestStoppedRunEndsAServerStillStarting(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	r := New(Host{Tap: func(string) error { return nil }, Through: "127.0.0.1:42999", Lang: "en"})
	// It never listens: StartServer waits for it until the run stops.
	jobs := r.Start("http-response", "echo $$ >"+pidFile+"; exec sleep 60")
	if len(jobs) != 1 {
		t.Fatalf("a command's run starts with %d jobs, want the start", len(jobs))
	}
	done := make(chan Msg, 1)
	for _, j := range jobs {
		go func() { done <- j() }()
	}
	pid := waitPid(t, pidFile)
	r.Stop()
	select {
	case <-done: // dropped: never handled
	case <-time.After(10 * time.Second):
		t.Fatal("the start of a stopped run did not return")
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatal("the server of a stopped run still runs")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitPid(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(file); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatal("the command never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
