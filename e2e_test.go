//go:build e2e

// End-to-end tests: the real binary, real sockets, real clients (curl,
// OpenBSD nc, headless chromium) and the real TUI under tmux. Run with
//
//	go test -tags e2e -run . -count=1 .
//
// Helpers are in e2e_helpers_test.go.

package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hostile is what an attacker who can reach the port might send: a screen
// clear, a window title (OSC 0), a clipboard write (OSC 52), lone CR, BS
// and SO, a NUL, a raw C1 CSI byte, C1 CSI encoded as UTF-8, and a
// right-to-left override.
const hostile = "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGVsbG8=\x07\r\b\x0e\x00\x9b\xc2\x9b\u202e"

// A step that only accepts: curl gets no reply at all (exit 52) once the
// server gives up after 3s of silence, and the transcript shows the request.
func TestServeTCPAcceptCurl(t *testing.T) {
	t.Parallel()
	need(t, "curl")
	// Step 1 (the exact command) idles out after 10s, step 3 after 3s.
	for _, tc := range []struct {
		args []string
		idle string
	}{
		{[]string{"--lesson", "tcp-accept"}, "10s"},
		{[]string{"--lesson", "tcp-accept", "--step", "3"}, "3s"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			a := startServe(t, tc.args...)
			r := curl(t, 15*time.Second, "http://localhost:"+strconv.Itoa(a.port)+"/")
			if r.code != 52 {
				t.Fatalf("curl exit code %d, want 52 (empty reply)\nstderr: %s", r.code, r.stderr)
			}
			a.waitLine("accepted", func(l string) bool { return strings.Contains(l, " accepted ") })
			a.waitLine("recv of the request", func(l string) bool {
				return strings.Contains(l, ` recv `) && strings.Contains(l, ` B "GET / HTTP/1.1\r\n`)
			})
			a.waitLine("idle close", func(l string) bool { return strings.Contains(l, " closed by server (idle "+tc.idle+")") })
		})
	}
}

// Ping-pong: every read gets the same reply, emoji included (18 bytes each
// way), and the transcript shows both directions exactly.
func TestServePingPongNC(t *testing.T) {
	t.Parallel()
	needNC(t)
	a := startServe(t, "--lesson", "ping-pong")

	r := ncSend(t, a.port, []byte("Hello server! 🎈"))
	if r.code != 0 {
		t.Fatalf("nc exit code %d\nstderr: %s", r.code, r.stderr)
	}
	if got, want := string(r.stdout), "Hello client! 🎉"; got != want {
		t.Errorf("nc received %q, want %q", got, want)
	}
	a.waitLine(`recv 18 B "Hello server! 🎈"`, func(l string) bool { return strings.HasSuffix(l, ` recv 18 B "Hello server! 🎈"`) })
	a.waitLine(`sent 18 B "Hello client! 🎉"`, func(l string) bool { return strings.HasSuffix(l, ` sent 18 B "Hello client! 🎉"`) })
}

// The hand-written HTTP response: curl accepts it, Content-Length counts
// bytes, and the transcript's sent line is byte for byte what went out.
func TestServeHTTPResponse(t *testing.T) {
	t.Parallel()
	need(t, "curl")
	needNC(t)
	a := startServe(t, "--lesson", "http-response")
	headersFile := filepath.Join(t.TempDir(), "headers")

	r := curl(t, 15*time.Second, "-D", headersFile, "http://localhost:"+strconv.Itoa(a.port)+"/")
	if r.code != 0 {
		t.Fatalf("curl exit code %d\nstderr: %s", r.code, r.stderr)
	}
	headers, err := os.ReadFile(headersFile)
	if err != nil {
		t.Fatal(err)
	}
	body := r.stdout
	if !bytes.HasPrefix(headers, []byte("HTTP/1.1 200 ")) {
		t.Errorf("status line: %q, want HTTP/1.1 200", firstLine(headers))
	}
	if want := "Hello, world! 🎉"; string(body) != want {
		t.Errorf("body %q, want %q", body, want)
	}
	cl := regexp.MustCompile(`(?im)^Content-Length:\s*(\d+)\r$`).FindSubmatch(headers)
	if cl == nil {
		t.Errorf("no Content-Length header in\n%s", headers)
	} else if n, _ := strconv.Atoi(string(cl[1])); n != len(body) || n != 18 {
		t.Errorf("Content-Length %d, body has %d bytes (want 18)", n, len(body))
	}

	// curl -D writes the header bytes as received, so headers+body is the
	// whole response; it must be what the transcript says was sent.
	first := a.waitMatch(`#(\d+) closed `)[1]
	if sent := a.stream(first, "sent"); !bytes.Equal(sent, append(headers, body...)) {
		t.Errorf("transcript sent on #%s:\n%q\ncurl received:\n%q", first, sent, append(headers, body...))
	}

	// A raw read with nc, to compare without any client's interpretation.
	r = ncSend(t, a.port, []byte("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
	if r.code != 0 {
		t.Fatalf("nc exit code %d\nstderr: %s", r.code, r.stderr)
	}
	second := a.waitLine("a second closed connection", func(l string) bool {
		return strings.Contains(l, " closed ") && !strings.Contains(l, " #"+first+" ")
	})
	id := regexp.MustCompile(`#(\d+) `).FindStringSubmatch(second)[1]
	if sent := a.stream(id, "sent"); !bytes.Equal(sent, r.stdout) {
		t.Errorf("transcript sent on #%s:\n%q\nnc received:\n%q", id, sent, r.stdout)
	}
	if !bytes.Equal(r.stdout, append(headers, body...)) {
		t.Errorf("nc received:\n%q\ncurl received:\n%q", r.stdout, append(headers, body...))
	}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// A real browser renders the hand-written response.
func TestServeHTTPResponseChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	a := startServe(t, "--lesson", "http-response")

	r := chromiumDump(t, chromium, "http://localhost:"+strconv.Itoa(a.port)+"/")
	if r.code != 0 {
		t.Errorf("chromium exit code %d\nstderr:\n%s", r.code, r.stderr)
	}
	if !bytes.Contains(r.stdout, []byte("Hello, world!")) {
		t.Fatalf("chromium's DOM lacks Hello, world!\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	// The request the server saw was the browser's.
	a.waitLine("a browser's request", func(l string) bool {
		return strings.Contains(l, ` recv `) && strings.Contains(l, `User-Agent: Mozilla/`)
	})
}

// The TUI at 120×40 (wide layout): a curl request shows up live in the
// events pane, and q quits cleanly.
func TestTUIWideShowsEvents(t *testing.T) {
	t.Parallel()
	need(t, "curl")
	s := startTUI(t, 120, 40, "--lesson", "http-response")

	r := curl(t, 15*time.Second, "http://localhost:"+strconv.Itoa(s.port)+"/")
	if r.code != 0 || string(r.stdout) != "Hello, world! 🎉" {
		t.Fatalf("curl exit code %d, body %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	s.waitScreen("accepted", "sent 117 B")
	s.quit()
}

// The TUI at 80×24 (narrow layout): panes are tabs, and 2 shows events.
func TestTUINarrowTabs(t *testing.T) {
	t.Parallel()
	// At 80×24 the lesson and the live traffic are stacked, both on screen.
	s := startTUI(t, 80, 24, "--lesson", "http-response")
	s.waitScreen("Lesson", "srv listening on 127.0.0.1:", "Events")
	s.quit()

	// Below that, tabs: the events pane shows once 2 is pressed.
	n := startTUI(t, 70, 22, "--lesson", "http-response")
	listening := "listening on 127.0.0.1:"
	scr := n.waitScreen("1 Lesson")
	if strings.Contains(scr, listening) {
		t.Fatalf("narrow layout shows the events pane before 2 is pressed:\n%s", scr)
	}
	n.keys("2")
	n.waitScreen("1 Lesson", listening)
	n.quit()
}

// Hostile bytes reach the TUI's screen escaped: no title change, no
// clipboard write, the escapes shown as text.
func TestTUIHostileBytes(t *testing.T) {
	t.Parallel()
	needNC(t)
	s := startTUI(t, 120, 40, "--lesson", "tcp-accept", "--step", "2")
	before := strings.TrimSpace(s.run("display", "-p", "#{pane_title}"))

	if r := ncSend(t, s.port, []byte(hostile)); r.code != 0 {
		t.Fatalf("nc exit code %d\nstderr: %s", r.code, r.stderr)
	}
	// The events pane's line and the bytes pane both show the escapes as text.
	scr := s.waitScreen(`recv 40 B "\x1b[2J\x1b]0;pwned`, `\x1b]52;c;aGVsbG8=`)
	if strings.ContainsRune(scr, '\u202e') {
		t.Errorf("the screen has a raw U+202E (right-to-left override):\n%s", scr)
	}
	if title := strings.TrimSpace(s.run("display", "-p", "#{pane_title}")); strings.Contains(title, "pwned") {
		t.Errorf("pane title changed from %q to %q: OSC 0 reached the terminal", before, title)
	}
	if bufs := strings.TrimSpace(s.run("list-buffers")); bufs != "" {
		t.Errorf("tmux got a paste buffer, so OSC 52 reached the terminal:\n%s", bufs)
	}
	s.quit()
}

// Hostile bytes reach the transcript escaped, and nothing is lost: the
// escaped text unescapes to exactly the bytes sent.
func TestServeHostileBytes(t *testing.T) {
	t.Parallel()
	needNC(t)
	a := startServe(t, "--lesson", "tcp-accept", "--step", "2")

	if r := ncSend(t, a.port, []byte(hostile)); r.code != 0 {
		t.Fatalf("nc exit code %d\nstderr: %s", r.code, r.stderr)
	}
	id := a.waitMatch(`#(\d+) closed `)[1]
	a.Stop() // every line is out once the app has exited

	out := a.stdout.Bytes()
	if !utf8.Valid(out) {
		t.Errorf("transcript is not valid UTF-8:\n%q", out)
	}
	for i, r := range string(out) {
		bad := (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		if bad {
			t.Errorf("transcript has U+%04X at byte %d:\n%q", r, i, out)
		}
	}
	// A raw 0x9b is an 8-bit CSI to some terminals; none belongs here.
	if i := bytes.IndexByte(out, 0x9b); i >= 0 {
		t.Errorf("transcript has a raw 0x9b byte at %d:\n%q", i, out)
	}
	for _, want := range []string{`\x1b[2J`, `\x1b]0;pwned\x07`, `\u202e`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("transcript lacks the escaped form %s:\n%s", want, out)
		}
	}
	if got := a.stream(id, "recv"); string(got) != hostile {
		t.Errorf("transcript recv on #%s unescapes to\n%q\nwant\n%q", id, got, hostile)
	}
}

// A port in use fails before anything is drawn: exit 1, one line naming
// the port and --port, nothing on stdout.
func TestPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if l6, err := net.Listen("tcp6", "[::1]:"+port); err == nil {
		defer l6.Close()
	}

	raceDir := t.TempDir()
	for _, args := range [][]string{
		{"--port", port},
		{"serve", "--lesson", "ping-pong", "--port", port},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// No terminal: stdin is /dev/null and stdout a pipe, so the
			// check is that it fails before it would need one.
			r := runTool(t, 20*time.Second, nil, baseEnv(t, raceDir), tubesBin, args...)
			if r.code != 1 {
				t.Errorf("exit code %d, want 1", r.code)
			}
			if len(r.stdout) != 0 {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			msg := string(r.stderr)
			if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
				t.Errorf("stderr is not one line: %q", msg)
			}
			if !strings.Contains(msg, "port "+port) || !strings.Contains(msg, "--port") {
				t.Errorf("stderr should name port %s and --port: %q", port, msg)
			}
		})
	}
	checkRaces(t, raceDir)
}

// Bad usage exits 2 with a one-line reason and nothing on stdout.
func TestBadUsage(t *testing.T) {
	t.Parallel()
	raceDir := t.TempDir()
	for _, args := range [][]string{
		{"--bogus"},
		{"--port", "70000"},
		{"serve", "--lesson", "ping-pong", "--port", "-5"},
		{"--listen", "localhost:99999"},
		{"lessons", "extra"},
		{"--theme", "neon"},
		{"--max-conns", "-1"},
		{"--idle-timeout", "soon"},
		{"--listen", "nope:not-a-port"},
		{"replay", "/nonexistent/recording.jsonl"},
		{"replay", "/etc/hostname"},
		{"--record", "/nonexistent/dir/out.jsonl"},
		{"tap", "--target", "nohost"},
		{"serve"},
		{"--lesson", "nope"},
		{"serve", "--lesson", "nope"},
		{"--lesson", "tcp-accept", "--step", "99"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runTool(t, 20*time.Second, nil, baseEnv(t, raceDir), tubesBin, args...)
			if r.code != 2 {
				t.Errorf("exit code %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			if len(r.stdout) != 0 {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			if msg := string(r.stderr); strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || len(msg) < 10 {
				t.Errorf("stderr is not one line with a reason: %q", msg)
			}
		})
	}
	checkRaces(t, raceDir)
}
