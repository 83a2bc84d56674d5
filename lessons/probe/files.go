package probe

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
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

// climbLevels is how many folders each climb goes up: more than any
// server's folder is deep, so that a climb that gets through reaches /
// and the probe sees /etc/passwd, not a 404 somewhere on the way.
const climbLevels = 16

// climbs are targets that try to leave the folder, in the ways a server
// must refuse: plain, percent-encoded dots, an encoded slash, backslashes.
var climbs = []string{
	"/" + strings.Repeat("../", climbLevels) + "etc/passwd",
	"/" + strings.Repeat("%2e%2e/", climbLevels) + "etc/passwd",
	"/" + strings.Repeat("..%2f", climbLevels) + "etc/passwd",
	"/" + strings.Repeat(`..\`, climbLevels) + `etc\passwd`,
}

func probeFiles(ctx context.Context, p *prober) []Result {
	var links []string
	var modified string
	length := -1 // what the 200 for GET / carries
	index := p.answers(ctx, "html-index", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		ct, _ := r.Get("Content-Type")
		if !strings.HasPrefix(strings.ToLower(ct), "text/html") {
			res.fail(Wrong, -1, p.t("files.nothtml"), netcore.Escape([]byte(ct)))
			return
		}
		modified, _ = r.Get("Last-Modified")
		length = r.Length
		if length < 0 {
			length = len(r.Body)
		}
		links = linksOf(r.Body)
		res.Note += ", " + fmt.Sprintf(p.t("files.index"), netcore.Escape([]byte(ct)), len(links))
	})
	return []Result{index, p.linkedFiles(ctx, index, links), p.headProbe(ctx), p.notModified(ctx, index, modified, length), p.refusesClimbs(ctx)}
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
	const name = "linked-types"
	if !index.Pass {
		res := Result{Name: name, Caret: -1, Command: index.Command, sends: p.t("probe.linked-types.sends")}
		res.notChecked(p.t("files.noindex"))
		return res
	}
	if len(links) == 0 {
		res := index
		res.Name, res.Note = name, ""
		res.fail(Wrong, -1, "%s", p.t("files.nolinks"))
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
				res.fail(Wrong, -1, p.t("files.wrongtype"),
					netcore.Escape([]byte(l)), netcore.Escape([]byte(ct)), path.Ext(l), want)
			case want == "image/png" && !bytes.HasPrefix(r.Body, pngSignature):
				res.fail(Wrong, r.HeaderEnd, p.t("files.notpng"), netcore.Escape([]byte(l)))
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
	ex := &probeEx{command: "curl -I " + shellQuote(p.url("/")), planned: req.bytes(p)}
	c, release := p.dial(ctx, ex)
	defer release()
	if c != nil && ex.send(c, req.bytes(p)) {
		p.read(c, ex, p.opt.Reply, func([]byte) bool { return bytes.Contains(ex.received, []byte("\r\n\r\n")) }, min(p.opt.Quiet, 300*time.Millisecond))
	}
	res := ex.result("head")
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
		res.fail(Malformed, len(ex.received), "%s", p.t("head.noend"))
		return res
	}
	end += 4
	r := httpwire.AnalyzeResponse(ex.received[:end], true)
	if f := r.First(httpwire.RuleStatusLine, httpwire.RuleHeaderLine, httpwire.RuleLineEnd, httpwire.RuleBlankLine); f != nil {
		p.finding(&res, f, 0)
		return res
	}
	if !p.wantStatus(&res, 0, r, 200, "HEAD /") {
		return res
	}
	if extra := len(ex.received) - end; extra > 0 {
		res.fail(Malformed, end, p.t("head.body"), extra)
		return res
	}
	res.Note = fmt.Sprintf(p.t("head.ok"), r.Version, statusOf(r))
	if v, ok := r.Get("Content-Length"); ok {
		res.Note += "; " + fmt.Sprintf(p.t("head.length"), netcore.Escape([]byte(v)))
	}
	return res
}

// notModified: GET / again with If-Modified-Since set to its
// Last-Modified gets 304 and no body; a Content-Length on the 304 must be
// length, what the 200 carries (RFC 9110 §8.6).
func (p *prober) notModified(ctx context.Context, index Result, modified string, length int) Result {
	const name = "not-modified"
	if !index.Pass || modified == "" {
		res := index
		res.Name, res.Note = name, ""
		if index.Pass {
			res.fail(Wrong, -1, "%s", p.t("files.nolastmod"))
		} else {
			res = Result{Name: name, Caret: -1, Command: index.Command, sends: p.t("probe.not-modified.sends")}
			res.notChecked(p.t("files.noindex"))
		}
		return res
	}
	req := getReq("/")
	req.headers = append(append([][2]string{}, curlHeaders...), [2]string{"If-Modified-Since", modified})
	res := p.answers(ctx, name, req, 304, func(res *Result, r *httpwire.Response) {
		for i, h := range r.Headers {
			if !strings.EqualFold(h.Name, "Content-Length") {
				continue
			}
			if n, err := strconv.Atoi(h.Value); err != nil || n != length {
				caret := -1
				if i+1 < len(r.Parts) {
					caret = r.Parts[i+1].Start // the status line is Parts[0]
				}
				res.fail(Wrong, caret, p.t("files.304length"), netcore.Escape([]byte(h.Value)), length)
			}
			return
		}
	})
	if res.Kind == Wrong {
		res.Reason += "; " + fmt.Sprintf(p.t("files.unchanged"), netcore.Escape([]byte(modified)))
	}
	return res
}

// refusesClimbs: every target of climbs gets a 4xx, never a file.
func (p *prober) refusesClimbs(ctx context.Context) Result {
	const name = "no-climb"
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
			res.fail(Wrong, len("HTTP/1.1 "), p.t("files.climbed"), statusOf(r), t)
			return res
		}
		got = append(got, fmt.Sprintf("%d", r.Status))
	}
	res.Note = fmt.Sprintf(p.t("files.refused"), strings.Join(climbs, ", "), strings.Join(got, ", "))
	return res
}
