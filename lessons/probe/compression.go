package probe

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// Compression is the compression lesson's probe set: no encoding unless
// asked, gzip with Vary when asked, q=0 honoured, and a browser's list.
var Compression Set = probeCompression

// chromiumEncodings is the Accept-Encoding Chromium sends.
const chromiumEncodings = "gzip, deflate, br, zstd"

func withHeader(req httpReq, name, value string) httpReq {
	req.headers = append(append([][2]string{}, req.headers...), [2]string{name, value})
	return req
}

func probeCompression(ctx context.Context, p *prober) []Result {
	plain := -1
	out := []Result{p.answers(ctx, "plain-default", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		if ce, ok := r.Get("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
			res.fail(Wrong, -1, p.t("gzip.unasked"), netcore.Escape([]byte(ce)))
			return
		}
		plain = len(r.Body)
		res.Note += ", " + fmt.Sprintf(p.t("gzip.plain"), plain)
	})}
	out = append(out, p.answers(ctx, "gzip-asked", withHeader(getReq("/"), "Accept-Encoding", "gzip"), 200,
		func(res *Result, r *httpwire.Response) {
			if !p.gzipped(res, r, plain) {
				return
			}
			if v, _ := r.Get("Vary"); !strings.Contains(strings.ToLower(v), "accept-encoding") {
				res.fail(Wrong, -1, "%s", p.t("gzip.novary"))
			}
		}))
	out = append(out, p.answers(ctx, "gzip-refused", withHeader(getReq("/"), "Accept-Encoding", "gzip;q=0, identity"), 200,
		func(res *Result, r *httpwire.Response) {
			if ce, ok := r.Get("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
				res.fail(Wrong, -1, p.t("gzip.q0"), netcore.Escape([]byte(ce)))
				return
			}
			res.Note += ", " + fmt.Sprintf(p.t("gzip.plain"), len(r.Body))
		}))
	browser := httpReq{method: "GET", target: "/"}
	for _, h := range browserHeaders {
		if h[0] == "Accept-Encoding" {
			h[1] = chromiumEncodings
		}
		browser.headers = append(browser.headers, h)
	}
	out = append(out, p.answers(ctx, "gzip-browser", browser, 200,
		func(res *Result, r *httpwire.Response) { p.gzipped(res, r, plain) }))
	return out
}

// gzipped checks a response is gzip, starts with 1f 8b 08 and decodes;
// plain is the size of the body without encoding (-1: unknown).
func (p *prober) gzipped(res *Result, r *httpwire.Response, plain int) bool {
	ce, _ := r.Get("Content-Encoding")
	if !strings.EqualFold(strings.TrimSpace(ce), "gzip") {
		what := p.t("gzip.noencoding")
		if ce != "" {
			what = "Content-Encoding: " + netcore.Escape([]byte(ce))
		}
		res.fail(Wrong, -1, p.t("gzip.notgzip"), what)
		return false
	}
	if !bytes.HasPrefix(r.Body, []byte{0x1f, 0x8b, 0x08}) {
		res.fail(Wrong, r.HeaderEnd, "%s", p.t("gzip.magic"))
		return false
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, io.LimitReader(zr, 64<<20))
		if err == nil {
			res.Note += ", " + fmt.Sprintf(p.t("gzip.ok"), len(r.Body), n)
			if plain > 0 {
				res.Note += " " + fmt.Sprintf(p.t("gzip.ratio"), len(r.Body)*100/plain, plain)
			}
			return true
		}
	}
	res.fail(Wrong, r.HeaderEnd, p.t("gzip.nodecode"), err)
	return false
}
