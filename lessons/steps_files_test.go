package lessons_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// The files lesson's steps, driven with real traffic (see stepCases).

var pngMagic = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a}

// filesGet is curl's GET of target with extra headers, answered.
func filesGet(t *testing.T, r *rig, method, target string, headers ...string) response {
	t.Helper()
	return parseResponse(t, r.exchange(curlReq(r.hostPort(), method, target, "", headers...)), method)
}

// refusedSideBySide: a 403 whose body shows the raw target (escaped: a
// backslash shows doubled) and the cleaned path.
func refusedSideBySide(t *testing.T, resp response, raw string) {
	t.Helper()
	if resp.status != 403 || !strings.Contains(resp.body, "raw target:   "+netcore.Escape([]byte(raw))+"\n") || !strings.Contains(resp.body, "cleaned path: /etc/passwd\n") || strings.Contains(resp.body, "root:") {
		t.Errorf("GET %s: %d %q, want 403 with the raw target and /etc/passwd side by side", raw, resp.status, resp.body)
	}
}

func init() {
	const since = "If-Modified-Since: Mon, 02 Mar 2026 09:00:00 GMT"
	stepCases["files/1"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		resp := filesGet(t, r, "GET", "/")
		if resp.status != 200 || resp.header.Get("Content-Type") != "text/html; charset=utf-8" ||
			!strings.Contains(resp.body, `<img src="tubes.png"`) || !strings.Contains(resp.body, `href="style.css"`) {
			t.Errorf("GET /: %d %v %q", resp.status, resp.header, resp.body)
		}
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "a browser loads the page, its picture and its style sheet", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			for _, target := range []string{"/", "/tubes.png", "/style.css"} {
				if !strings.HasPrefix(r.exchange(firefoxGet(r.hostPort(), target)), "HTTP/1.1 200 OK\r\n") {
					t.Errorf("GET %s failed", target)
				}
			}
		}},
		{name: "GET /notes.txt is not the page", run: func(t *testing.T, r *rig, s lessons.Step) {
			filesGet(t, r, "GET", "/notes.txt")
			r.settle(1)
		}},
	}}
	stepCases["files/2"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		resp := filesGet(t, r, "GET", "/tubes.png")
		if resp.status != 200 || resp.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix([]byte(resp.body), pngMagic) {
			t.Errorf("GET /tubes.png: %d %v % x", resp.status, resp.header, resp.body[:min(8, len(resp.body))])
		}
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "a text file is not a picture", run: func(t *testing.T, r *rig, s lessons.Step) {
			if resp := filesGet(t, r, "GET", "/notes.txt"); resp.header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("notes.txt: %v", resp.header)
			}
			r.settle(1)
		}},
	}}
	stepCases["files/3"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		raw := r.exchange(curlReq(r.hostPort(), "HEAD", "/notes.txt", ""))
		get := filesGet(t, r, "GET", "/notes.txt")
		head := parseResponse(t, raw, "HEAD")
		// The date is the built-in folder's (a trial checks it); an
		// example serves real files with times of their own.
		if _, err := http.ParseTime(head.header.Get("Last-Modified")); err != nil || !strings.HasSuffix(raw, "\r\n\r\n") || head.status != 200 ||
			head.header.Get("Content-Length") != get.header.Get("Content-Length") || get.header.Get("Content-Length") == "" {
			t.Errorf("HEAD: %q; GET's length %q", raw, get.header.Get("Content-Length"))
		}
		r.settle(2)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "the date the text quotes", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := parseResponse(t, r.exchange(curlReq(r.hostPort(), "HEAD", "/notes.txt", "")), "HEAD").header.Get("Last-Modified"); got != "Mon, 02 Mar 2026 09:00:00 GMT" {
				t.Errorf("Last-Modified %q", got)
			}
		}},
		{name: "GET is not HEAD", run: func(t *testing.T, r *rig, s lessons.Step) {
			filesGet(t, r, "GET", "/notes.txt")
			r.settle(1)
		}},
	}}
	stepCases["files/4"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		raw := r.exchange(curlReq(r.hostPort(), "GET", "/notes.txt", "", since))
		if want := "HTTP/1.1 304 Not Modified\r\nLast-Modified: Mon, 02 Mar 2026 09:00:00 GMT\r\nConnection: close\r\n\r\n"; raw != want {
			t.Errorf("304: %q, want %q", raw, want)
		}
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "a browser's reload of the page", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange(firefoxGet(r.hostPort(), "/", "Cache-Control: max-age=0", since)); !strings.HasPrefix(got, "HTTP/1.1 304 ") {
				t.Errorf("reload: %q", got)
			}
		}},
		{name: "a copy from a year before gets the file", run: func(t *testing.T, r *rig, s lessons.Step) {
			if resp := filesGet(t, r, "GET", "/notes.txt", "If-Modified-Since: Sun, 02 Mar 2025 09:00:00 GMT"); resp.status != 200 || !strings.HasPrefix(resp.body, "Notes from the files lesson.") {
				t.Errorf("older copy: %d %q", resp.status, resp.body)
			}
			r.settle(1)
		}},
	}}
	climb := func(raw string) trial {
		return trial{name: "curl " + raw, complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			refusedSideBySide(t, filesGet(t, r, "GET", raw), raw)
		}}
	}
	stepCases["files/5"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		// The exact page is the built-in server's (the trials check it);
		// an example may word its refusal its own way.
		if resp := filesGet(t, r, "GET", "/../../etc/passwd"); resp.status != 403 || !strings.Contains(resp.body, "/etc/passwd") || strings.Contains(resp.body, "root:") {
			t.Errorf("GET /../../etc/passwd: %d %q", resp.status, resp.body)
		}
		r.settle(1)
	}, []trial{
		climb("/../../etc/passwd"),
		{name: "enter, with the note", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitCount(1, "the note", func(e netcore.Event) bool {
				return e.Kind == netcore.Note && strings.Contains(e.Text, "raw target /../../etc/passwd → cleaned /etc/passwd: refused")
			})
		}},
		climb("/%2e%2e/%2e%2e/etc/passwd"),
		climb("/..%2f..%2fetc/passwd"),
		climb(`/..\..\etc\passwd`),
		{name: "curl without --path-as-is asks for /etc/passwd: 404, not a climb", run: func(t *testing.T, r *rig, s lessons.Step) {
			if resp := filesGet(t, r, "GET", "/etc/passwd"); resp.status != 404 {
				t.Errorf("/etc/passwd: %d", resp.status)
			}
			r.settle(1)
		}},
	}}
}
