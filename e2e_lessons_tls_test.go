//go:build e2e

// End-to-end tests of the tls lesson: the real binary's TLS server, real
// curl -k (with --resolve for a made-up name), headless Chromium told to
// accept the self-signed certificate, and tubes check.

package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// chromiumWith runs headless Chromium on url with extra flags and dumps
// the DOM once the page's scripts had budget ms of virtual time.
func chromiumWith(t *testing.T, url string, budget int, flags ...string) result {
	t.Helper()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	home := t.TempDir()
	env := append(inherited(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-proxy-server", "--disable-breakpad",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=" + strconv.Itoa(budget)}, flags...)
	return runTool(t, 60*time.Second, nil, env, chromium, append(args, "--dump-dom", url)...)
}

// firstRecv is the first bytes the server read on connection conn.
func firstRecv(a *app, conn string) []byte {
	for _, e := range a.wire() {
		if e.conn == conn && e.kind == "recv" {
			return e.data
		}
	}
	return nil
}

var noteConn = regexp.MustCompile(`#(\d+) note: `)

func TestServeTLSCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "tls")
	port := strconv.Itoa(a.port)
	r := curl(t, 15*time.Second, "-k", "https://localhost:"+port+"/")
	if r.code != 0 || string(r.stdout) != "Hello, world! 🎉" {
		t.Fatalf("curl -k: exit %d, body %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	hello := a.waitLine("the ClientHello note", func(l string) bool { return strings.Contains(l, "note: ClientHello in the clear: record 16 03 01") })
	if !strings.Contains(hello, "SNI localhost") || !strings.Contains(hello, "ALPN h2, http/1.1") {
		t.Errorf("curl's ClientHello note: %s", hello)
	}
	conn := noteConn.FindStringSubmatch(hello)[1]
	if b := firstRecv(a, conn); len(b) < 3 || b[0] != 0x16 || b[1] != 0x03 || b[2] != 0x01 {
		t.Errorf("the first bytes in are %q, want a TLS record header 16 03 01", b)
	}
	a.waitLine("the handshake note", func(l string) bool {
		return strings.Contains(l, "note: TLS handshake done: TLS 1.") && strings.Contains(l, "ALPN http/1.1")
	})
	// Every byte the server sent back is a TLS record: handshake, change
	// cipher spec or application data; no plain HTTP.
	for _, e := range a.wire() {
		if e.conn == conn && e.kind == "sent" && (len(e.data) == 0 || e.data[0] < 0x14 || e.data[0] > 0x17) {
			t.Errorf("sent %q: not a TLS record", e.data)
		}
	}
}

// The name travels in the clear, the path does not.
func TestServeTLSResolveSecretName(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "tls", "--step", "2")
	port := strconv.Itoa(a.port)
	r := curl(t, 15*time.Second, "-k", "--resolve", "secret.example:"+port+":127.0.0.1", "https://secret.example:"+port+"/private/diary")
	if r.code != 0 || string(r.stdout) != "Hello, world! 🎉" {
		t.Fatalf("curl --resolve: exit %d, body %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	a.waitLine("the decrypted request", func(l string) bool {
		return strings.Contains(l, "note: decrypted request: GET /private/diary HTTP/1.1")
	})
	sawName := false
	for _, e := range a.wire() {
		sawName = sawName || strings.Contains(string(e.data), "secret.example")
		if strings.Contains(string(e.data), "/private/diary") {
			t.Errorf("the path crossed the wire in the clear: %q", e.data)
		}
	}
	if !sawName {
		t.Error("the server name secret.example is not in the clear on the wire")
	}
	a.waitLine("the SNI note", func(l string) bool { return strings.Contains(l, "SNI secret.example") })
}

// Plain http:// to the TLS port gets a plain answer that says why.
func TestServeTLSPlainHTTP(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "tls")
	r := curl(t, 15*time.Second, "-i", "http://localhost:"+strconv.Itoa(a.port)+"/")
	if !strings.HasPrefix(string(r.stdout), "HTTP/1.1 400 Bad Request") || !strings.Contains(string(r.stdout), "https://") {
		t.Errorf("plain HTTP got %q", r.stdout)
	}
}

// A real browser, told to accept the self-signed certificate, gets the
// page over TLS; only the server's note shows its decrypted request.
func TestServeTLSChromium(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "tls", "--step", "3")
	r := chromiumWith(t, "https://localhost:"+strconv.Itoa(a.port)+"/hidden/page", 2000, "--ignore-certificate-errors")
	if !strings.Contains(string(r.stdout), "Hello, world!") {
		t.Fatalf("chromium's DOM lacks Hello, world! (exit %d)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	a.waitLine("the browser's decrypted request", func(l string) bool {
		return strings.Contains(l, "note: decrypted request: GET /hidden/page HTTP/1.1 · User-Agent: Mozilla/")
	})
	for _, e := range a.wire() {
		if strings.Contains(string(e.data), "/hidden/page") {
			t.Errorf("the path crossed the wire in the clear: %q", e.data)
		}
	}
}

// tubes check passes the lesson's own servers.
func TestCheckTLSAndWebSocketAgainstServe(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"tls", "websocket"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			a := startServe(t, "--lesson", id)
			r := checkRun(t, "--lesson", id, "--target", "127.0.0.1:"+strconv.Itoa(a.port))
			if r.code != 0 {
				t.Fatalf("tubes check exited %d\nstdout:\n%s\nstderr:\n%s", r.code, netcore.Escape(r.stdout), r.stderr)
			}
		})
	}
}
