//go:build e2e

package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compression: plain curl gets the text, -H gzip gets 1f 8b 08 and fewer
// bytes, --compressed decodes it, and q=0 is honoured.
func TestCompressionCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "compression")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	plain := curl(t, 15*time.Second, "-D", "-", url)
	if !bytes.Contains(plain.stdout, []byte("Content-Length: 2816\r\n")) || bytes.Contains(plain.stdout, []byte("Content-Encoding")) ||
		!bytes.Contains(plain.stdout, []byte("Vary: Accept-Encoding\r\n")) || !bytes.Contains(plain.stdout, []byte("Line 32 of 32")) {
		t.Errorf("plain curl: %q", plain.stdout)
	}
	gz := curl(t, 15*time.Second, "-D", "-", "-H", "Accept-Encoding: gzip", url)
	head, body, _ := bytes.Cut(gz.stdout, []byte("\r\n\r\n"))
	if !bytes.Contains(head, []byte("Content-Encoding: gzip\r\n")) || !bytes.HasPrefix(body, []byte{0x1f, 0x8b, 0x08}) ||
		!bytes.Contains(head, []byte("Content-Length: "+strconv.Itoa(len(body))+"\r\n")) || len(body) >= 200 {
		t.Errorf("curl -H gzip: head %q, %d body bytes", head, len(body))
	}
	dec := curl(t, 15*time.Second, "-v", "--compressed", url)
	if !bytes.Contains(dec.stderr, []byte("< Content-Encoding: gzip")) || !bytes.HasPrefix(dec.stdout, []byte("Line 01 of 32:")) || len(dec.stdout) != 2816 {
		t.Errorf("curl --compressed: %d bytes %q\n%s", len(dec.stdout), dec.stdout[:min(40, len(dec.stdout))], dec.stderr)
	}
	no := curl(t, 15*time.Second, "-D", "-", "-H", "Accept-Encoding: gzip;q=0, identity", url)
	if bytes.Contains(no.stdout, []byte("Content-Encoding")) || !bytes.Contains(no.stdout, []byte("Content-Length: 2816\r\n")) {
		t.Errorf("q=0: %q", no.stdout)
	}
	a.waitLine("the note of q=0", func(l string) bool {
		return strings.Contains(l, "note: Accept-Encoding: gzip;q=0, identity → identity")
	})
}

// compression: Chromium offers gzip, deflate, br, zstd, the server picks
// gzip, and the page shows the decoded text.
func TestCompressionChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	a := startServe(t, "--lesson", "compression", "--step", "4")
	r := chromiumDump(t, chromium, "http://127.0.0.1:"+strconv.Itoa(a.port)+"/")
	if !bytes.Contains(r.stdout, []byte("Line 32 of 32")) {
		t.Errorf("the page lacks the decoded text:\n%s", r.stdout)
	}
	a.waitLine("Chromium's Accept-Encoding", func(l string) bool {
		return strings.Contains(l, " recv ") && strings.Contains(l, `Accept-Encoding: gzip, deflate, br, zstd\r\n`)
	})
	a.waitLine("the gzip answer", func(l string) bool {
		return strings.Contains(l, " sent ") && strings.Contains(l, `Content-Encoding: gzip\r\n`)
	})
}
