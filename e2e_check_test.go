//go:build e2e

// End-to-end tests of `tubes check`: the real binary checks `tubes serve`,
// which must pass, and a closed port, which must fail clearly.

package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkRun runs `tubes check ARGS` to completion with its own race dir.
func checkRun(t *testing.T, args ...string) result {
	t.Helper()
	raceDir := t.TempDir()
	r := runTool(t, 90*time.Second, nil, baseEnv(t, raceDir), tubesBin, append([]string{"check"}, args...)...)
	checkRaces(t, raceDir)
	return r
}

// The course's own servers pass their lesson's probes.
func TestCheckAgainstServe(t *testing.T) {
	t.Parallel()
	for _, tc := range [][]string{
		{"--lesson", "http-response"},
		{"--lesson", "routing"},
		{"--lesson", "keep-alive"},
		{"--lesson", "ping-pong"},
		{"--lesson", "tcp-accept"},
		{"--lesson", "client"},
		{"--lesson", "byte-stream", "--step", "3"},
		{"--lesson", "content-length"},
		{"--lesson", "http-request"},
		{"--lesson", "concurrency", "--step", "2"},
	} {
		t.Run(strings.Join(tc, " "), func(t *testing.T) {
			t.Parallel()
			a := startServe(t, tc...)
			r := checkRun(t, "--lesson", tc[1], "--target", "127.0.0.1:"+strconv.Itoa(a.port))
			out := string(r.stdout)
			if r.code != 0 || !strings.Contains(out, "PASS  ") || strings.Contains(out, "FAIL") {
				t.Fatalf("tubes check exited %d, want 0\nstdout:\n%s\nstderr:\n%s\nserver:\n%s", r.code, out, r.stderr, a.dump())
			}
			if !strings.Contains(out, "probe passed") && !strings.Contains(out, "probes passed") {
				t.Errorf("no summary line:\n%s", out)
			}
		})
	}
}

// A step that gets it wrong on purpose fails, with the lesson's reason.
func TestCheckAgainstServeMistakes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--lesson", "content-length", "--step", "2"}, []string{
			"FAIL  Content-Length counts the body's bytes",
			"18 bytes were sent after the header but Content-Length says 13; Content-Length counts bytes, not characters (🎉 is 4 bytes)",
			"^ byte ",
		}},
		{[]string{"--lesson", "concurrency"}, []string{"FAIL  five requests at once take about as long as one", "one connection at a time", "one request alone took"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			a := startServe(t, tc.args...)
			r := checkRun(t, "--lesson", tc.args[1], "--target", "127.0.0.1:"+strconv.Itoa(a.port))
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(r.stdout), w) {
					t.Errorf("the report does not say %q:\n%s", w, r.stdout)
				}
			}
			if !strings.Contains(string(r.stderr), "failed") {
				t.Errorf("stderr: %s", r.stderr)
			}
		})
	}
}

// --json is one object with every probe.
func TestCheckJSON(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "http-response")
	r := checkRun(t, "--lesson", "http-response", "--target", "127.0.0.1:"+strconv.Itoa(a.port), "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Lesson string
		Pass   bool
		Probes []struct {
			Name, Kind, Command, Sent, Received, Verdict string
			Pass                                         bool
			Caret                                        *int
		}
	}
	if err := json.Unmarshal(r.stdout, &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if rep.Lesson != "http-response" || !rep.Pass || len(rep.Probes) != 6 {
		t.Fatalf("report: %s", r.stdout)
	}
	for _, p := range rep.Probes {
		if !p.Pass || p.Kind != "pass" || p.Caret != nil || !strings.HasPrefix(p.Command, "curl -v --max-time 20 http://127.0.0.1:") || p.Verdict != "PASS" ||
			!strings.HasPrefix(p.Received, `HTTP/1.1 200 OK\r\n`) || !strings.HasPrefix(p.Sent, `GET / HTTP/1.1\r\n`) {
			t.Errorf("probe: %+v", p)
		}
	}
}

// Nothing listening: exit 1, in those words, after --wait.
func TestCheckNothingListening(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, args := range [][]string{{"--wait", "700ms"}, {"--wait", "0"}, {"--wait", "700ms", "--json"}} {
		r := checkRun(t, append([]string{"--lesson", "http-response", "--target", addr}, args...)...)
		if r.code != 1 || !strings.Contains(string(r.stdout), "nothing is listening on "+addr) {
			t.Fatalf("%v: exit %d, want 1 with \"nothing is listening\"\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
		if args[1] == "700ms" && r.took < 600*time.Millisecond {
			t.Errorf("%v: gave up after %s, before --wait", args, r.took)
		}
	}
}

// --wait keeps trying while the server starts, instead of a fixed sleep.
func TestCheckWaitsForServe(t *testing.T) {
	t.Parallel()
	port := strconv.Itoa(freePort(t))
	raceDir := t.TempDir()
	check := exec.Command(tubesBin, "check", "--lesson", "tcp-accept", "--target", "127.0.0.1:"+port, "--wait", "20s")
	check.Env = baseEnv(t, raceDir)
	var out syncBuffer
	check.Stdout, check.Stderr = &out, &out
	if err := check.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- check.Wait() }()

	time.Sleep(time.Second)
	serve := exec.Command(tubesBin, "serve", "--lesson", "tcp-accept", "--port", port)
	serve.Env = baseEnv(t, raceDir)
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = serve.Process.Signal(os.Interrupt)
		_ = serve.Wait()
		checkRaces(t, raceDir)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("tubes check: %v\n%s", err, out.Bytes())
		}
	case <-time.After(30 * time.Second):
		_ = check.Process.Kill()
		t.Fatalf("tubes check did not finish\n%s", out.Bytes())
	}
	if !strings.Contains(string(out.Bytes()), "PASS  accepts a connection") {
		t.Errorf("output:\n%s", out.Bytes())
	}
}

// Bad usage exits 2 with a one-line reason.
func TestCheckBadUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "localhost:3000"}, "needs --lesson"},
		{[]string{"--lesson", "nope", "--target", "localhost:3000"}, `no lesson "nope"`},
		{[]string{"--lesson", "routing"}, "needs --target"},
		{[]string{"--lesson", "routing", "--target", "3000"}, "bad --target"},
		{[]string{"--lesson", "routing", "--target", "localhost:99999"}, "bad port"},
		{[]string{"--lesson", "routing", "--target", "http://localhost:3000/"}, "without a scheme"},
		{[]string{"--lesson", "routing", "--target", "localhost:3000", "--wait", "soon"}, "bad --wait"},
		{[]string{"--lesson", "routing", "--target", "localhost:3000", "--wait", "-1s"}, "bad --wait"},
		{[]string{"--lesson", "routing", "--target", "localhost:3000", "--idle-wait", "0"}, "bad --idle-wait"},
	} {
		r := checkRun(t, tc.args...)
		if r.code != 2 || !strings.Contains(string(r.stderr), tc.want) || strings.Count(string(r.stderr), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
