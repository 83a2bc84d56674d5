//go:build e2e

// End-to-end tests of `tubes check --run`, --watch and --list with the
// real binary and real learner programs from assets/examples.

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// envWithState is baseEnv with a state directory the test can read.
func envWithState(t *testing.T, raceDir, state string) []string {
	var env []string
	for _, kv := range baseEnv(t, raceDir) {
		if !strings.HasPrefix(kv, "TUBES_STATE_DIR=") {
			env = append(env, kv)
		}
	}
	return append(env, "TUBES_STATE_DIR="+state)
}

// --run with the real Node solution passes, names the next lesson and
// records the lesson as built, which tubes lessons --json shows.
func TestCheckRunNodeSolution(t *testing.T) {
	t.Parallel()
	need(t, "node")
	raceDir, state := t.TempDir(), t.TempDir()
	env := envWithState(t, raceDir, state)
	r := runTool(t, 90*time.Second, nil, env, tubesBin, "check", "--lesson", "content-length", "--run", "node assets/examples/content-length/server.mjs")
	checkRaces(t, raceDir)
	out := string(r.stdout)
	if r.code != 0 || !strings.Contains(out, "next: tubes check --lesson http-request") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, out, r.stderr)
	}
	r = runTool(t, 30*time.Second, nil, env, tubesBin, "lessons", "--json")
	var list []struct {
		ID    string `json:"id"`
		Built bool   `json:"built"`
	}
	if err := json.Unmarshal(r.stdout, &list); err != nil || len(list) == 0 {
		t.Fatalf("lessons --json: %v\n%s", err, r.stdout)
	}
	for _, l := range list {
		if l.Built != (l.ID == "content-length") {
			t.Errorf("%s built = %v", l.ID, l.Built)
		}
	}
}

// --run with the untouched Python starter fails with a reason, not
// "nothing is listening".
func TestCheckRunPythonStarter(t *testing.T) {
	t.Parallel()
	need(t, "python3")
	r := checkRun(t, "--lesson", "http-response", "--run", "python3 assets/examples/http-response/starter/server.py")
	out := string(r.stdout)
	if r.code != 1 || !strings.Contains(out, "FAIL  ") || strings.Contains(out, "nothing is listening") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, out, r.stderr)
	}
}

// --list prints the spec, no server needed.
func TestCheckList(t *testing.T) {
	t.Parallel()
	r := checkRun(t, "--lesson", "byte-stream", "--list")
	out := string(r.stdout)
	if r.code != 0 || !strings.Contains(out, "sends:") || !strings.Contains(out, "passes:") || !strings.Contains(out, "line N: TEXT") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, out, r.stderr)
	}
	r = checkRun(t, "--lesson", "byte-stream", "--list", "--lang", "ko")
	if r.code != 0 || !strings.Contains(string(r.stdout), "통과:") {
		t.Fatalf("ko: exit %d\n%s", r.code, r.stdout)
	}
}

// --watch checks again after a file is touched.
func TestCheckWatchReruns(t *testing.T) {
	t.Parallel()
	need(t, "node")
	dir := t.TempDir()
	src, err := os.ReadFile("assets/examples/ping-pong/server.mjs")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "server.mjs")
	if err := os.WriteFile(file, src, 0o600); err != nil {
		t.Fatal(err)
	}
	raceDir := t.TempDir()
	cmd := exec.Command(tubesBin, "check", "--lesson", "ping-pong", "--run", "node "+file, "--watch")
	cmd.Env = baseEnv(t, raceDir)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		checkRaces(t, raceDir)
	}()
	waitFor := func(n int) {
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(string(out.Bytes()), "watching ") < n {
			if time.Now().After(deadline) {
				t.Fatalf("no run %d within 30s:\n%s", n, out.Bytes())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor(1)
	if err := os.WriteFile(file, append(src, []byte("\n// touched\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(2)
	if got := strings.Count(string(out.Bytes()), "PASS  answers a message"); got != 2 {
		t.Errorf("%d passing runs, want 2:\n%s", got, out.Bytes())
	}
}

// Pointing check at tubes' own lesson server is refused with a reason.
func TestCheckTargetIsTubes(t *testing.T) {
	t.Parallel()
	raceDir, state := t.TempDir(), t.TempDir()
	env := envWithState(t, raceDir, state)
	port := freePort(t)
	serve := exec.Command(tubesBin, "serve", "--lesson", "ping-pong", "--port", strconv.Itoa(port))
	serve.Env = env
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Signal(os.Interrupt); _ = serve.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Join(state, "serving"))
		if len(entries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("tubes serve wrote no runtime file")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r := runTool(t, 30*time.Second, nil, env, tubesBin, "check", "--lesson", "ping-pong", "--target", "localhost:"+strconv.Itoa(port))
	if r.code != 2 || !strings.Contains(string(r.stderr), "the target is tubes itself") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
