package probe

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// Files is the files lesson's probe set: an HTML page at /, the files it
// links with their Content-Types, HEAD, If-Modified-Since, and paths that
// climb out of the folder.
var Files Set = probeFiles

// pngSignature is how every PNG file starts.
var pngSignature = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a}

// fileTypes is the Content-Type each ending must have (its start).
var fileTypes = map[string]string{
	".html": "text/html", ".css": "text/css", ".txt": "text/plain", ".png": "image/png",
	".js": "text/javascript", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
}

// linkAttr finds href="..." and src="..." in a page.
var linkAttr = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*["']([^"'#?]+)`)

// maxLinks bounds how many linked files the probe fetches.
const maxLinks = 6

// climbs are targets that try to leave the folder, in the ways a server
// must refuse: plain, percent-encoded dots, an encoded slash, backslashes.
var climbs = []string{
	"/../../../../etc/passwd",
	"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
	"/..%2f..%2f..%2f..%2fetc/passwd",
	`/..\..\..\..\etc\passwd`,
}

func probeFiles(ctx context.Context, p *prober) []Result {
	var links []string
	var modified string
	index := p.answers(ctx, "GET / serves an HTML page", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		ct, _ := r.Get("Content-Type")
		if !strings.HasPrefix(strings.ToLower(ct), "text/html") {
			res.fail(Wrong, -1, "GET / came with Content-Type \"%s\"; the index page is HTML, so say Content-Type: text/html; charset=utf-8, or the browser shows its source as text", netcore.Escape([]byte(ct)))
			return
		}
		modified, _ = r.Get("Last-Modified")
		links = linksOf(r.Body)
		res.Note += fmt.Sprintf(", Content-Type: %s, linking %d files", netcore.Escape([]byte(ct)), len(links))
	})
	return []Result{index, p.linkedFiles(ctx, index, links), p.headProbe(ctx), p.notModified(ctx, index, modified), p.refusesClimbs(ctx)}
}

// linksOf lists the page's links to files on the same server, as paths.
func linksOf(page []byte) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range linkAttr.FindAllSubmatch(page, -1) {
		l := string(m[1])
		if strings.Contains(l, ":") || strings.HasPrefix(l, "//") {
			continue // another site, or mailto: and the like
		}
		if !strings.HasPrefix(l, "/") {
			l = "/" + l
		}
		if !seen[l] && l != "/" && len(out) < maxLinks {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// linkedFiles fetches every file the index links and checks its type.
func (p *prober) linkedFiles(ctx context.Context, index Result, links []string) Result {
	const name = "every file the page links comes with the Content-Type of its name"
	if !index.Pass {
		res := Result{Name: name, Caret: -1}
		res.fail(index.Kind, -1, "not checked: GET / did not serve an HTML page (see above)")
		return res
	}
	if len(links) == 0 {
		res := index
		res.Name, res.Note = name, ""
		res.fail(Wrong, -1, "the page at / links no files; link a few from it, like <img src=\"tubes.png\"> and <a href=\"notes.txt\">, and serve them from the folder")
		return res
	}
	var seen []string
	var last Result
	for _, l := range links {
		res := p.answers(ctx, name, getReq(l), 200, func(res *Result, r *httpwire.Response) {
			ct, _ := r.Get("Content-Type")
			want, known := fileTypes[strings.ToLower(path.Ext(l))]
			switch {
			case known && !strings.HasPrefix(strings.ToLower(ct), want):
				res.fail(Wrong, -1, "%s came with Content-Type \"%s\"; a name ending in %s is %s, and a browser goes by the Content-Type, not by the name",
					netcore.Escape([]byte(l)), netcore.Escape([]byte(ct)), path.Ext(l), want)
			case want == "image/png" && !bytes.HasPrefix(r.Body, pngSignature):
				res.fail(Wrong, r.HeaderEnd, "%s does not start with the PNG signature 89 50 4e 47 0d 0a 1a 0a; send the file's bytes as they are, not as text", netcore.Escape([]byte(l)))
			default:
				seen = append(seen, fmt.Sprintf("%s %s", netcore.Escape([]byte(l)), netcore.Escape([]byte(ct))))
			}
		})
		if !res.Pass {
			res.Reason = fmt.Sprintf("GET %s: %s", netcore.Escape([]byte(l)), res.Reason)
			return res
		}
		last = res
	}
	last.Note = strings.Join(seen, "; ")
	return last
}

// headProbe: HEAD / gets the headers GET would, and no body.
func (p *prober) headProbe(ctx context.Context) Result {
	req := httpReq{method: "HEAD", target: "/", headers: curlHeaders}
	ex := &probeEx{command: "curl -I " + shellQuote(p.url("/"))}
	c, release := p.dial(ctx, ex)
	defer release()
	if c != nil && ex.send(c, req.bytes(p)) {
		p.read(c, ex, p.opt.Reply, func([]byte) bool { return bytes.Contains(ex.received, []byte("\r\n\r\n")) }, min(p.opt.Quiet, 300*time.Millisecond))
	}
	res := ex.result("HEAD / sends the headers and no body")
	if p.silent(&res, ex, 0, "HEAD /") {
		return res
	}
	end := bytes.Index(ex.received, []byte("\r\n\r\n"))
	if end < 0 {
		r := httpwire.AnalyzeResponse(ex.received, true)
		if f := r.First(httpwire.RuleStatusLine, httpwire.RuleHeaderLine, httpwire.RuleLineEnd, httpwire.RuleBlankLine); f != nil {
			p.finding(&res, f, 0)
			return res
		}
		res.fail(Malformed, len(ex.received), "the header of the HEAD response never ended with a blank line (\\r\\n\\r\\n)")
		return res
	}
	end += 4
	r := httpwire.AnalyzeResponse(ex.received[:end], true)
	if f := r.First(httpwire.RuleStatusLine, httpwire.RuleHeaderLine, httpwire.RuleLineEnd, httpwire.RuleBlankLine); f != nil {
		p.finding(&res, f, 0)
		return res
	}
	if !wantStatus(&res, 0, r, 200, "HEAD /") {
		return res
	}
	if extra := len(ex.received) - end; extra > 0 {
		res.fail(Malformed, end, "%d bytes came after the header of the HEAD response; a HEAD response has no body (it may say Content-Length, the length GET would send), and a client takes those bytes for the next response", extra)
		return res
	}
	res.Note = fmt.Sprintf("%s %s and no body", r.Version, statusOf(r))
	if v, ok := r.Get("Content-Length"); ok {
		res.Note += "; Content-Length: " + netcore.Escape([]byte(v)) + ", the length GET would send"
	}
	return res
}

// notModified: GET / again with If-Modified-Since set to its
// Last-Modified gets 304 and no body.
func (p *prober) notModified(ctx context.Context, index Result, modified string) Result {
	const name = "If-Modified-Since with the Last-Modified date gets 304 Not Modified"
	if !index.Pass || modified == "" {
		res := index
		res.Name, res.Note = name, ""
		if index.Pass {
			res.fail(Wrong, -1, "GET / has no Last-Modified header; send the file's modification time, like Last-Modified: Mon, 02 Mar 2026 09:00:00 GMT, so a client can ask whether it changed")
		} else {
			res.fail(index.Kind, -1, "not checked: GET / did not serve an HTML page (see above)")
		}
		return res
	}
	req := getReq("/")
	req.headers = append(append([][2]string{}, curlHeaders...), [2]string{"If-Modified-Since", modified})
	res := p.answers(ctx, name, req, 304, nil)
	if res.Kind == Wrong {
		res.Reason += fmt.Sprintf("; the client's copy is from %s, the time Last-Modified gave, so the file has not changed since", netcore.Escape([]byte(modified)))
	}
	return res
}

// refusesClimbs: every target of climbs gets a 4xx, never a file.
func (p *prober) refusesClimbs(ctx context.Context) Result {
	const name = "a path that climbs out of the folder is refused"
	var got []string
	var res Result
	for _, t := range climbs {
		ex := p.httpExchange(ctx, httpReq{method: "GET", target: t, headers: curlHeaders}, 0)
		ex.command = "curl -v --path-as-is " + shellQuote(p.url(t))
		res = ex.result(name)
		if p.judge(&res, ex, 0, ex.resp, "GET "+t, httpwire.FramingRules...) {
			res.Reason = fmt.Sprintf("GET %s: %s", t, res.Reason)
			return res
		}
		r := ex.resp
		if r.Status < 400 || r.Status > 499 || bytes.Contains(r.Body, []byte("root:")) {
			res.fail(Wrong, len("HTTP/1.1 "), "the server answered %s to GET %s; a target with .. (or %%2e%%2e, ..%%2f, a backslash) must be refused (403 or 400) before any file is opened, or anyone can read files outside the folder",
				statusOf(r), t)
			return res
		}
		got = append(got, fmt.Sprintf("%d", r.Status))
	}
	res.Note = fmt.Sprintf("%s answered %s", strings.Join(climbs, ", "), strings.Join(got, ", "))
	return res
}
