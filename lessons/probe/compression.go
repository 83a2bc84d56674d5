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
	out := []Result{p.answers(ctx, "without Accept-Encoding the body comes as it is", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		if ce, ok := r.Get("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
			res.fail(Wrong, -1, "the request had no Accept-Encoding, but the response says Content-Encoding: %s; a client that did not ask for an encoding may not be able to read one", netcore.Escape([]byte(ce)))
			return
		}
		plain = len(r.Body)
		res.Note += fmt.Sprintf(", %d body bytes, no Content-Encoding", plain)
	})}
	out = append(out, p.answers(ctx, "Accept-Encoding: gzip gets a gzip body with Vary: Accept-Encoding", withHeader(getReq("/"), "Accept-Encoding", "gzip"), 200,
		func(res *Result, r *httpwire.Response) {
			if !gzipped(res, r, plain) {
				return
			}
			if v, _ := r.Get("Vary"); !strings.Contains(strings.ToLower(v), "accept-encoding") {
				res.fail(Wrong, -1, "the gzip response has no Vary: Accept-Encoding; without it a cache may hand the gzip body to a client that never asked for it")
			}
		}))
	out = append(out, p.answers(ctx, "Accept-Encoding: gzip;q=0, identity gets no gzip", withHeader(getReq("/"), "Accept-Encoding", "gzip;q=0, identity"), 200,
		func(res *Result, r *httpwire.Response) {
			if ce, ok := r.Get("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
				res.fail(Wrong, -1, "the response says Content-Encoding: %s, but the client said gzip;q=0, which means \"not gzip\"; read the q value of each entry, and send the body as it is", netcore.Escape([]byte(ce)))
				return
			}
			res.Note += fmt.Sprintf(", %d body bytes, no Content-Encoding", len(r.Body))
		}))
	browser := httpReq{method: "GET", target: "/"}
	for _, h := range browserHeaders {
		if h[0] == "Accept-Encoding" {
			h[1] = chromiumEncodings
		}
		browser.headers = append(browser.headers, h)
	}
	out = append(out, p.answers(ctx, "a browser's Accept-Encoding: "+chromiumEncodings+" gets gzip", browser, 200,
		func(res *Result, r *httpwire.Response) { gzipped(res, r, plain) }))
	return out
}

// gzipped checks a response is gzip, starts with 1f 8b 08 and decodes;
// plain is the size of the body without encoding (-1: unknown).
func gzipped(res *Result, r *httpwire.Response, plain int) bool {
	ce, _ := r.Get("Content-Encoding")
	if !strings.EqualFold(strings.TrimSpace(ce), "gzip") {
		what := "no Content-Encoding"
		if ce != "" {
			what = "Content-Encoding: " + netcore.Escape([]byte(ce))
		}
		res.fail(Wrong, -1, "the client accepts gzip, but the response has %s; compress the body with gzip and say Content-Encoding: gzip", what)
		return false
	}
	if !bytes.HasPrefix(r.Body, []byte{0x1f, 0x8b, 0x08}) {
		res.fail(Wrong, r.HeaderEnd, "the body says it is gzip but does not start with 1f 8b 08, the bytes every gzip stream starts with")
		return false
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, io.LimitReader(zr, 64<<20))
		if err == nil {
			res.Note += fmt.Sprintf(", Content-Encoding: gzip, %d bytes that decode to %d", len(r.Body), n)
			if plain > 0 {
				res.Note += fmt.Sprintf(" (%d%% of the %d sent without encoding)", len(r.Body)*100/plain, plain)
			}
			return true
		}
	}
	res.fail(Wrong, r.HeaderEnd, "the gzip body does not decode (%v); send the whole gzip stream, closed, and a Content-Length that counts its bytes", err)
	return false
}
