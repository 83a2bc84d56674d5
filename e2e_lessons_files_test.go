//go:build e2e

package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

// files: real curl gets the page, the picture's bytes and type, HEAD, 304.
func TestFilesCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "files")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	png := curl(t, 15*time.Second, "-D", "-", url+"tubes.png")
	head, body, _ := bytes.Cut(png.stdout, []byte("\r\n\r\n"))
	if png.code != 0 || !bytes.Contains(head, []byte("Content-Type: image/png")) || !bytes.HasPrefix(body, []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a}) {
		t.Errorf("curl tubes.png: exit %d, head %q, body % x", png.code, head, body[:min(8, len(body))])
	}
	h := curl(t, 15*time.Second, "-I", url+"notes.txt")
	if !bytes.HasPrefix(h.stdout, []byte("HTTP/1.1 200 OK")) || !bytes.Contains(h.stdout, []byte("Last-Modified: Mon, 02 Mar 2026 09:00:00 GMT")) {
		t.Errorf("curl -I: %q", h.stdout)
	}
	nm := curl(t, 15*time.Second, "-v", "-H", "If-Modified-Since: Mon, 02 Mar 2026 09:00:00 GMT", url+"notes.txt")
	if nm.code != 0 || len(nm.stdout) != 0 || !bytes.Contains(nm.stderr, []byte("< HTTP/1.1 304 Not Modified")) {
		t.Errorf("curl If-Modified-Since: exit %d, body %q\n%s", nm.code, nm.stdout, nm.stderr)
	}
	a.waitLine("the note of the 304", func(l string) bool {
		return strings.Contains(l, "note: raw target /notes.txt → cleaned /notes.txt: 304")
	})
}

// files step 5: every way out of the folder, as real curl and nc send it,
// is refused, with both paths on the page and in the transcript's note.
func TestFilesTraversalRefused(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "files", "--step", "5")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	for _, c := range []struct{ args []string }{
		{[]string{"--path-as-is", url + "../../etc/passwd"}},
		{[]string{url + "%2e%2e/%2e%2e/etc/passwd"}},
		{[]string{url + "..%2f..%2fetc/passwd"}},
		{[]string{"--path-as-is", url + `..\..\etc\passwd`}},
	} {
		r := curl(t, 15*time.Second, append([]string{"-s", "-w", "%{http_code}"}, c.args...)...)
		if !bytes.HasSuffix(r.stdout, []byte("403")) || !bytes.Contains(r.stdout, []byte("cleaned path: /etc/passwd\n")) || bytes.Contains(r.stdout, []byte("root:")) {
			t.Errorf("curl %v: %q", c.args, r.stdout)
		}
	}
	// Without --path-as-is, curl cleans the path itself: /etc/passwd, 404.
	if r := curl(t, 15*time.Second, "-s", "-o", "/dev/null", "-w", "%{http_code}", url+"../../etc/passwd"); string(r.stdout) != "404" {
		t.Errorf("curl without --path-as-is: %q", r.stdout)
	}
	r := ncSend(t, a.port, []byte("GET /..%2F..%2Fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"))
	if !bytes.HasPrefix(r.stdout, []byte("HTTP/1.1 403 Forbidden\r\n")) || !bytes.Contains(r.stdout, []byte("raw target:   /..%2F..%2Fetc/passwd\n")) {
		t.Errorf("nc: %q", r.stdout)
	}
	a.waitLine("the refusal's note", func(l string) bool {
		return strings.Contains(l, "note: raw target /%2e%2e/%2e%2e/etc/passwd → cleaned /etc/passwd: refused")
	})
}

// files: Chromium loads the page, and then the picture and the style
// sheet it links, each with its own request.
func TestFilesChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	a := startServe(t, "--lesson", "files")
	r := chromiumDump(t, chromium, "http://127.0.0.1:"+strconv.Itoa(a.port)+"/")
	if !bytes.Contains(r.stdout, []byte("Files from a folder")) {
		t.Errorf("the page did not load:\n%s", r.stdout)
	}
	for _, f := range []string{"tubes.png", "style.css"} {
		a.waitLine("the browser's request for "+f, func(l string) bool { return strings.Contains(l, "served "+f) })
	}
}
