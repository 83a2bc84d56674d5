//go:build e2e

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// content-length, too short: curl stops after the 13 bytes it was promised.
func TestContentLengthTooShortCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "content-length", "--step", "2")
	r := curl(t, 15*time.Second, "http://localhost:"+strconv.Itoa(a.port)+"/")
	if r.code != 0 || string(r.stdout) != "Hello, world!" {
		t.Fatalf("curl exit %d, body %q; want exit 0 and the body cut to %q\nstderr: %s", r.code, r.stdout, "Hello, world!", r.stderr)
	}
	a.waitLine("the 18 bytes that were sent", func(l string) bool {
		return strings.Contains(l, " sent ") && strings.Contains(l, `Content-Length: 13\r\n`) && strings.HasSuffix(l, `Hello, world! 🎉"`)
	})
}

// content-length, too long: curl waits for 12 bytes that never come, until
// the server's 5 s idle timeout closes the connection.
func TestContentLengthTooLongCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "content-length", "--step", "3")
	r := curl(t, 20*time.Second, "http://localhost:"+strconv.Itoa(a.port)+"/")
	if r.code != 18 || !bytes.Contains(r.stderr, []byte("12 bytes remaining")) {
		t.Fatalf("curl exit %d, stderr %q; want exit 18 with 12 bytes remaining", r.code, r.stderr)
	}
	if r.took < 4*time.Second {
		t.Errorf("curl gave up after %s; it should have waited for the idle timeout (5s)", r.took)
	}
	a.waitLine("idle close", func(l string) bool { return strings.Contains(l, "closed by server (idle 5s)") })
}

// keep-alive: `curl -v URL URL` sends both requests on one connection.
func TestKeepAliveCurlTwoURLs(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "keep-alive")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	r := curl(t, 15*time.Second, "-v", url, url)
	if r.code != 0 {
		t.Fatalf("curl exit %d\nstderr: %s", r.code, r.stderr)
	}
	if !bytes.Contains(r.stdout, []byte("response #1 on connection #1")) || !bytes.Contains(r.stdout, []byte("response #2 on connection #1")) {
		t.Fatalf("both answers should come on connection #1:\n%s", r.stdout)
	}
	if !bytes.Contains(bytes.ToLower(r.stderr), []byte("re-using")) && !bytes.Contains(bytes.ToLower(r.stderr), []byte("reusing")) {
		t.Errorf("curl -v should say it re-used the connection:\n%s", r.stderr)
	}
	a.waitLine("the second response on #1", func(l string) bool {
		return strings.Contains(l, " #1 sent ") && strings.Contains(l, "response #2 on connection #1")
	})
	for _, l := range a.lines() {
		if strings.Contains(l, "#2 accepted") {
			t.Fatalf("curl opened a second connection: %s", l)
		}
	}
}

// http-request: the server describes Chromium's request back to it.
func TestHTTPRequestChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	a := startServe(t, "--lesson", "http-request", "--step", "2")
	r := chromiumDump(t, chromium, "http://localhost:"+strconv.Itoa(a.port)+"/hello?lang=en")
	for _, want := range []string{"You sent a GET request for /hello?lang=en using HTTP/1.1.", "User-Agent: Mozilla/5.0", "Body: 0 bytes"} {
		if !bytes.Contains(r.stdout, []byte(want)) {
			t.Errorf("the page lacks %q\n%s", want, r.stdout)
		}
	}
}

// reset forgets progress: asks first, takes --yes, and without a terminal
// to ask on it refuses with a one-line reason.
func TestReset(t *testing.T) {
	t.Parallel()
	raceDir := t.TempDir()
	env := baseEnv(t, raceDir)
	var state string
	for _, kv := range env {
		if strings.HasPrefix(kv, "TUBES_STATE_DIR=") {
			state = strings.TrimPrefix(kv, "TUBES_STATE_DIR=")
		}
	}
	write := func() {
		raw, _ := json.Marshal(map[string]any{"lesson": "ping-pong", "step": 1, "done": map[string][]int{"tcp-accept": {0, 1, 2}, "ping-pong": {0}}})
		if err := os.MkdirAll(state, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(state, "progress.json"), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	list := func() string {
		return string(runTool(t, 20*time.Second, nil, env, tubesBin, "lessons").stdout)
	}
	write()
	if !strings.Contains(list(), "tcp-accept") || !strings.Contains(list(), "3/4") {
		t.Fatalf("progress not listed:\n%s", list())
	}
	if r := runTool(t, 20*time.Second, []byte{}, env, tubesBin, "reset"); r.code != 2 || strings.Count(string(r.stderr), "\n") != 2 {
		// the question, then the one-line reason
		t.Errorf("reset without an answer: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runTool(t, 20*time.Second, []byte("n\n"), env, tubesBin, "reset", "tcp-accept"); r.code != 0 || !strings.Contains(list(), "3/4") {
		t.Errorf("answering n must forget nothing: exit %d\n%s", r.code, list())
	}
	if r := runTool(t, 20*time.Second, nil, env, tubesBin, "reset", "--yes", "tcp-accept"); r.code != 0 {
		t.Fatalf("reset --yes tcp-accept: exit %d %s", r.code, r.stderr)
	}
	if l := list(); strings.Contains(l, "3/4") || !strings.Contains(l, "1/4") {
		t.Errorf("tcp-accept should be forgotten, ping-pong kept:\n%s", l)
	}
	if r := runTool(t, 20*time.Second, []byte("y\n"), env, tubesBin, "reset"); r.code != 0 || strings.Contains(list(), "1/4") {
		t.Errorf("reset answered y should forget everything: exit %d\n%s", r.code, list())
	}
	if r := runTool(t, 20*time.Second, nil, env, tubesBin, "reset", "--yes", "nope"); r.code != 2 {
		t.Errorf("reset of an unknown lesson: exit %d, want 2", r.code)
	}
	checkRaces(t, raceDir)
}
