package lessons_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The compression lesson's steps, driven with real traffic (see stepCases).

// curlCompressed is the Accept-Encoding of curl --compressed.
const curlCompressed = "Accept-Encoding: deflate, gzip, br, zstd"

// wantGzip checks a response is the lesson's text, gzip-compressed, with Vary.
func wantGzip(t *testing.T, raw string) {
	t.Helper()
	resp := parseResponse(t, raw, "GET")
	if resp.header.Get("Content-Encoding") != "gzip" || resp.header.Get("Vary") != "Accept-Encoding" || !strings.HasPrefix(resp.body, "\x1f\x8b\x08") {
		t.Fatalf("want gzip: %q", raw)
	}
	zr, err := gzip.NewReader(strings.NewReader(resp.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, behaviors.CompressBody) {
		t.Errorf("decodes to %d bytes (%v)", len(plain), err)
	}
	// "Content-Length is under 200 instead of 2816"
	if len(resp.body) >= 200 || len(behaviors.CompressBody) != 2816 {
		t.Errorf("%d bytes gzip for %d; the text says under 200 for 2816", len(resp.body), len(behaviors.CompressBody))
	}
}

// wantPlain checks a response is the lesson's text as it is.
func wantPlain(t *testing.T, raw string) {
	t.Helper()
	resp := parseResponse(t, raw, "GET")
	if _, ok := resp.header["Content-Encoding"]; ok || resp.header.Get("Vary") != "Accept-Encoding" || resp.body != string(behaviors.CompressBody) || resp.header.Get("Content-Length") != "2816" {
		t.Errorf("want the text as it is: %q", raw)
	}
}

func init() {
	get := func(r *rig, headers ...string) string {
		return r.exchange(curlReq(r.hostPort(), "GET", "/", "", headers...))
	}
	stepCases["compression/1"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		raw := get(r)
		wantPlain(t, raw)
		// "the sent block is about 2.9 kB"
		if n := len(raw); n < 2850 || n > 2950 {
			t.Errorf("the response is %d bytes; the text says about 2.9 kB", n)
		}
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "curl --compressed asks for an encoding", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantGzip(t, get(r, curlCompressed))
			r.settle(1)
		}},
	}}
	stepCases["compression/2"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		wantGzip(t, get(r, "Accept-Encoding: gzip"))
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "curl --compressed", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { wantGzip(t, get(r, curlCompressed)) }},
		{name: "Accept-Encoding: *", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { wantGzip(t, get(r, "Accept-Encoding: *")) }},
		{name: "plain curl", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantPlain(t, get(r))
			r.settle(1)
		}},
	}}
	stepCases["compression/3"] = stepCase{"request", func(t *testing.T, r *rig, s lessons.Step) {
		wantPlain(t, get(r, "Accept-Encoding: gzip;q=0, identity"))
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "identity", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { wantPlain(t, get(r, "Accept-Encoding: identity")) }},
		{name: "br only", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { wantPlain(t, get(r, "Accept-Encoding: br")) }},
		{name: "* gets gzip", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantGzip(t, get(r, "Accept-Encoding: *"))
			r.settle(1)
		}},
		{name: "no Accept-Encoding at all says nothing", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantPlain(t, get(r))
			r.settle(1)
		}},
	}}
	stepCases["compression/4"] = stepCase{"", func(t *testing.T, r *rig, s lessons.Step) {
		wantGzip(t, r.exchange(chromeRequest(r.hostPort())))
		r.settle(1)
	}, []trial{
		{name: "Firefox", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { wantGzip(t, r.exchange(browserRequest(r.hostPort()))) }},
		{name: "curl --compressed is not a browser", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantGzip(t, get(r, curlCompressed))
			r.settle(1)
		}},
	}}
}
