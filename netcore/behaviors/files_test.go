package behaviors

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

func TestResolveRefusesEveryWayOut(t *testing.T) {
	cases := []struct {
		raw, cleaned, name string
		refused            bool
	}{
		{"/", "/", "index.html", false},
		{"/notes.txt?x=1", "/notes.txt", "notes.txt", false},
		{"/%74ubes.png", "/tubes.png", "tubes.png", false},
		{"/../../etc/passwd", "/etc/passwd", "", true},
		{"/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd", "", true},
		{"/%2E%2E/etc/passwd", "/etc/passwd", "", true},
		{"/..%2f..%2fetc/passwd", "/etc/passwd", "", true},
		{`/..\..\etc\passwd`, "/etc/passwd", "", true},
		{"/..%5c..%5cetc%5cpasswd", "/etc/passwd", "", true},
		{"/a/../notes.txt", "/notes.txt", "", true}, // inside, but refused all the same: no guessing
		{"/notes.txt%00.png", "/notes.txt\x00.png", "", true},
		{"/%zz", "/%zz", "", true},
		{"//notes.txt", "/notes.txt", "notes.txt", false},
	}
	for _, c := range cases {
		r := Resolve(c.raw)
		if r.Cleaned != c.cleaned || r.Name != c.name || (r.Refused != "") != c.refused {
			t.Errorf("Resolve(%q) = %+v; want cleaned %q, name %q, refused %v", c.raw, r, c.cleaned, c.name, c.refused)
		}
	}
}

// exchangeFiles sends one raw request to a Files server and returns the
// response and the note the server made of it.
func exchangeFiles(t *testing.T, req string) (string, string) {
	t.Helper()
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), Files{Idle: 5 * time.Second})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, _ := readToEnd(t, c)
	notes := col.waitCount(1, "the note", is(netcore.FromServer, netcore.Note))
	return string(resp), notes[0].Text
}

func TestFilesServesTypesAndMagic(t *testing.T) {
	resp, note := exchangeFiles(t, "GET /tubes.png HTTP/1.1\r\nHost: x\r\n\r\n")
	head, body, _ := strings.Cut(resp, "\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(head, "\r\nContent-Type: image/png\r\n") ||
		!strings.Contains(head, "\r\nLast-Modified: Mon, 02 Mar 2026 09:00:00 GMT\r\n") {
		t.Errorf("head %q", head)
	}
	if !bytes.HasPrefix([]byte(body), []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a}) {
		t.Errorf("body does not start with the PNG signature: % x", body[:min(8, len(body))])
	}
	if !strings.Contains(note, "raw target /tubes.png → cleaned /tubes.png: served tubes.png") {
		t.Errorf("note %q", note)
	}
	for name, ct := range map[string]string{"/": "text/html; charset=utf-8", "/style.css": "text/css; charset=utf-8", "/notes.txt": "text/plain; charset=utf-8"} {
		resp, _ := exchangeFiles(t, "GET "+name+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if !strings.Contains(resp, "\r\nContent-Type: "+ct+"\r\n") {
			t.Errorf("%s: %q", name, resp)
		}
	}
}

func TestFilesHeadAndNotModified(t *testing.T) {
	get, _ := exchangeFiles(t, "GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	head, _ := exchangeFiles(t, "HEAD /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	getHead, _, _ := strings.Cut(get, "\r\n\r\n")
	if head != getHead+"\r\n\r\n" {
		t.Errorf("HEAD %q\nwant GET's head %q and no body", head, getHead)
	}
	since := "Mon, 02 Mar 2026 09:00:00 GMT"
	nm, note := exchangeFiles(t, "GET /notes.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: "+since+"\r\n\r\n")
	if !strings.HasPrefix(nm, "HTTP/1.1 304 Not Modified\r\n") || !strings.HasSuffix(nm, "\r\n\r\n") || strings.Contains(nm, "Content-Length") {
		t.Errorf("304 %q", nm)
	}
	if !strings.Contains(note, "304") {
		t.Errorf("note %q", note)
	}
	older := FilesModified.Add(-time.Hour).Format(http.TimeFormat)
	if again, _ := exchangeFiles(t, "GET /notes.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: "+older+"\r\n\r\n"); again != get {
		t.Errorf("an older copy must get the file again: %q", again)
	}
}

func TestFilesRefusalShowsBothPaths(t *testing.T) {
	resp, note := exchangeFiles(t, "GET /..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
	for _, want := range []string{"HTTP/1.1 403 Forbidden\r\n", "raw target:   /..%2f..%2fetc/passwd\n", "decoded path: /../../etc/passwd\n", "cleaned path: /etc/passwd\n"} {
		if !strings.Contains(resp, want) {
			t.Errorf("response lacks %q:\n%s", want, resp)
		}
	}
	if strings.Contains(resp, "root:") {
		t.Errorf("leaked a file from outside: %s", resp)
	}
	if !strings.Contains(note, "raw target /..%2f..%2fetc/passwd → cleaned /etc/passwd: refused") {
		t.Errorf("note %q", note)
	}
	// Decoded bytes came from the network: escaped in the body.
	resp, _ = exchangeFiles(t, "GET /..%1b%5b2J HTTP/1.1\r\nHost: x\r\n\r\n")
	if strings.Contains(resp, "\x1b") || !strings.Contains(resp, `\x1b`) {
		t.Errorf("decoded escape byte not escaped: %q", resp)
	}
}

// The files server's refusals are said in the course's words: a Korean
// learner reads a Korean 403, 404 and 405 (the paths stay as they came).
func TestFilesBodiesInTheCoursesWords(t *testing.T) {
	for _, raw := range []string{"GET /%2e%2e/etc/passwd", "GET /nope.txt", "POST /"} {
		req, _, err := httpwire.ParseRequest([]byte(raw+" HTTP/1.1\r\nHost: x\r\n\r\n"), httpwire.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, body, _ := serveFile(req, koWords)
		hangul := strings.ContainsFunc(string(body), func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
		if !hangul || strings.Contains(string(body), "this server") || strings.Contains(string(body), "this file server") || strings.Contains(string(body), "raw target") {
			t.Errorf("%s in Korean: %q", raw, body)
		}
		if _, _, body, _ := serveFile(req, enWords); strings.ContainsFunc(string(body), func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
			t.Errorf("%s in English: %q", raw, body)
		}
	}
}
