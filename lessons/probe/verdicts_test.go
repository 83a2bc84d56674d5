package probe

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"
)

// Verdicts a learner found wrong: servers that passed though they break a
// rule, and reasons that said something else than what happened.

// idleCloser serves well-framed keep-alive responses on each connection,
// never honouring Connection: close; it closes a connection only once it
// has been silent for idle, as a server's own idle timeout does. With
// dropRest it loses whatever came in a read after the first request, as
// a server that clears its buffer after each request does.
func idleCloser(idle time.Duration, dropRest bool) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 4096)
		var pending []byte
		for {
			_ = c.SetReadDeadline(time.Now().Add(idle))
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			pending = append(pending, buf[:n]...)
			for {
				i := bytes.Index(pending, []byte("\r\n\r\n"))
				if i < 0 {
					break
				}
				pending = pending[i+4:]
				if dropRest {
					pending = nil
				}
				if _, err := c.Write([]byte(okResp)); err != nil {
					return
				}
			}
		}
	}
}

// D3: a keep-alive server that ignores Connection: close and closes only
// at its idle timeout, inside the probe's reply wait, fails.
func TestKeepAliveCloseOnlyAtIdleTimeout(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, idleCloser(1500*time.Millisecond, false))))
	wantFail(t, rep, "Connection: close is honoured", Wrong, "still open 1s after the answer", "Connection: close")
	if r := probeResult(t, rep, "a second request on the same connection is answered"); !r.Pass {
		t.Errorf("second: %s", r.Reason)
	}
}

// A server that drops the second of two pipelined requests, then closes
// at its idle timeout, fails the pipelined probe: the second got no
// answer. One that closes at once after the first answer passes (a client
// sends the second again).
func TestPipelinedSecondDroppedThenIdleClose(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, idleCloser(1500*time.Millisecond, true))))
	r := wantFail(t, rep, "two requests in one write are both answered", ClosedEarly, "the second request got no answer", "byte-stream lesson")
	if r.Verdict() == VerdictWarn {
		t.Errorf("a WARN: %s", r.Reason)
	}
	closer := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\n\r\nhi", true))
	rep = probeCheck(t, "keep-alive", probeOpts(closer))
	if r := probeResult(t, rep, "two requests in one write are both answered"); r.Verdict() != VerdictPass {
		t.Errorf("one answer, then a close at once: %s %s", r.Verdict(), r.Reason)
	}
}

// filesDisk is a files server's disk: the folder it serves sits deep,
// and the disk has /etc/passwd outside it.
const filesRoot = "/srv/www/site/a/b/c/public"

var filesDisk = map[string]string{
	filesRoot + "/index.html": `<html><body><a href="notes.txt">notes</a></body></html>`,
	filesRoot + "/notes.txt":  "some notes\n",
	"/etc/passwd":             "root:x:0:0:root:/root:/bin/bash\n",
}

// filesServer serves filesDisk's folder. It refuses a raw target with ..
// in it, but only before percent-decoding, then cleans the decoded path
// under its folder. Its 304 says Content-Length: notModLen when that is
// not empty.
func filesServer(notModLen string) func(net.Conn) {
	const modified = "Mon, 02 Mar 2026 09:00:00 GMT"
	return func(c net.Conn) {
		var pending []byte
		req, ok := readProbeReq(c, &pending)
		if !ok {
			return
		}
		defer closePolitely(c)
		method, target, _ := strings.Cut(req.line, " ")
		target, _, _ = strings.Cut(target, " ")
		answer := func(status, extra, body string, withBody bool) {
			s := fmt.Sprintf("HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n%s\r\n", status, len(body), extra)
			if withBody {
				s += body
			}
			_, _ = c.Write([]byte(s))
		}
		if strings.Contains(target, "..") {
			answer("403 Forbidden", "Content-Type: text/plain\r\n", "refused\n", true)
			return
		}
		decoded, err := url.PathUnescape(target)
		if err != nil {
			answer("400 Bad Request", "Content-Type: text/plain\r\n", "bad\n", true)
			return
		}
		if decoded == "/" {
			decoded = "/index.html"
		}
		name := path.Clean(filesRoot + "/" + decoded)
		body, found := filesDisk[name]
		if !found {
			answer("404 Not Found", "Content-Type: text/plain\r\n", "not found\n", true)
			return
		}
		ct := "text/plain; charset=utf-8"
		if strings.HasSuffix(name, ".html") {
			ct = "text/html; charset=utf-8"
		}
		hdr := "Content-Type: " + ct + "\r\nLast-Modified: " + modified + "\r\n"
		if strings.Contains(req.head, "If-Modified-Since: "+modified) {
			s := "HTTP/1.1 304 Not Modified\r\nLast-Modified: " + modified + "\r\nConnection: close\r\n"
			if notModLen != "" {
				s += "Content-Length: " + notModLen + "\r\n"
			}
			_, _ = c.Write([]byte(s + "\r\n"))
			return
		}
		answer("200 OK", hdr, body, method != "HEAD")
	}
}

// D5: a 304 whose Content-Length differs from the 200's fails; the same
// number, or none, passes. D6: a server that checks .. only before
// decoding serves /etc/passwd to a target that climbs far enough, however
// deep its folder.
func TestFilesNotModifiedLengthAndDeepClimb(t *testing.T) {
	t.Parallel()
	index := len(filesDisk[filesRoot+"/index.html"])
	rep := probeCheck(t, "files", probeOpts(startProbeServer(t, filesServer("0"))))
	wantFail(t, rep, "If-Modified-Since with the Last-Modified date gets 304 Not Modified", Wrong,
		"Content-Length: 0", fmt.Sprint(index), "RFC 9110 §8.6")
	r := wantFail(t, rep, "a path that climbs out of the folder is refused", Wrong, "%2e%2e", "answered 200")
	if !bytes.Contains(r.Received, []byte("root:")) {
		t.Errorf("the climb's reply: %q", r.Received)
	}
	for _, good := range []string{"", fmt.Sprint(index)} {
		rep := probeCheck(t, "files", probeOpts(startProbeServer(t, filesServer(good))))
		if r := probeResult(t, rep, "If-Modified-Since with the Last-Modified date gets 304 Not Modified"); !r.Pass {
			t.Errorf("a 304 with Content-Length %q: %s", good, r.Reason)
		}
	}
}

// D8: a reason and the byte-stream hint are two sentences, in both
// languages.
func TestPiecesReasonAndHintAreTwoSentences(t *testing.T) {
	t.Parallel()
	addr := startProbeServer(t, holdOpen)
	for lang, want := range map[string]string{"en": "within 2s. TCP is a byte stream", "ko": "않았어요. TCP는"} {
		opt := probeOpts(addr)
		opt.Lang = lang
		rep := probeCheck(t, "keep-alive", opt)
		name := word(lang, "probe.split-line.name")
		r := wantFail(t, rep, name, TimedOut)
		if !strings.Contains(r.Reason, want) {
			t.Errorf("%s: reason %q does not say %q", lang, r.Reason, want)
		}
	}
}

// "(status 0)": an early reply with no status line is described, not
// given a status of 0.
func TestPiecesEarlyReplyWithoutStatusLine(t *testing.T) {
	t.Parallel()
	addr := startProbeServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			if _, err := c.Write([]byte("hi\n")); err != nil {
				return
			}
		}
	})
	for lang, want := range map[string]string{"en": `no status line; it begins "hi\n"`, "ko": `상태 줄 없이 "hi\n"`} {
		opt := probeOpts(addr)
		opt.Lang = lang
		rep := probeCheck(t, "timeouts", opt)
		r := wantFail(t, rep, word(lang, "probe.split-line.name"), Wrong)
		if strings.Contains(r.Reason, " 0)") || !strings.Contains(r.Reason, want) {
			t.Errorf("%s: reason %q, want it to say %q", lang, r.Reason, want)
		}
	}
}

// D7: no failure of a raw-TCP lesson is labelled as a valid reply (the
// held-open probe's timeout staying a timeout is TestProbeConcurrencyHeldOpen).
func TestFailureLabelsSayWhatHappened(t *testing.T) {
	t.Parallel()
	// A byte-stream server that answers each read: no HTTP, no "valid
	// reply".
	rep := probeCheck(t, "byte-stream", probeOpts(startProbeServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
	})))
	for _, r := range rep.Results {
		if r.Pass {
			t.Fatalf("an echo of each read passes byte-stream")
		}
	}
	for lang, bad := range map[string]string{"en": "valid reply", "ko": "올바른 응답"} {
		rep.Lang = lang
		if text := probeText(t, rep); strings.Contains(text, bad) {
			t.Errorf("%s: a raw-TCP failure is labelled %q:\n%s", lang, bad, text)
		}
	}
}

// D9: chunk sizes written in decimal. "40" read as hex is 64 bytes, and
// only 40 came before the next line and the close: the reason says so,
// from the analyzer and from the streaming framer alike.
func TestChunkSizeInDecimal(t *testing.T) {
	t.Parallel()
	piece := strings.Repeat("x", 39) + "\n"
	resp := probeHead + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
		fmt.Sprintf("%d\r\n%s\r\n0\r\n\r\n", len(piece), piece)
	addr := startProbeServer(t, answerOnce(resp, true))
	rep := probeCheck(t, "chunked", probeOpts(addr))
	want := []string{`"40"`, "64 bytes", "40 bytes came before the next line", "hex", "28"}
	r := wantFail(t, rep, "GET / is answered with a chunked body", Malformed, want...)
	if strings.Contains(r.Reason, "it ends with a chunk of size 0") {
		t.Errorf("reason %q says the 0 chunk is missing", r.Reason)
	}

	// The framer, past the kept bytes: the same words.
	raw := []byte(resp)
	headEnd := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	f := newHTTPFramer()
	for i := range raw { // a byte at a time: state across reads
		f.feed(raw[i : i+1])
	}
	got := analyze(raw[:headEnd+2], len(raw), f, true)
	fd := got.First()
	if fd == nil {
		t.Fatalf("the framer found nothing in %q", raw)
	}
	said := (&prober{opt: Options{Lang: "en"}}).say(fd.Phrase)
	for _, s := range want {
		if !strings.Contains(said, s) {
			t.Errorf("framer: %q does not say %q", said, s)
		}
	}
}

// D9, longer: decimal sizes with more chunks after them. "40" read as hex
// takes in the next chunk's size line too, and then no CRLF comes where
// the 64 bytes end: the reason says the size looks decimal.
func TestChunkSizeInDecimalMoreChunks(t *testing.T) {
	t.Parallel()
	piece := strings.Repeat("y", 39) + "\n"
	resp := probeHead + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
		strings.Repeat(fmt.Sprintf("%d\r\n%s\r\n", len(piece), piece), 3) + "0\r\n\r\n"
	rep := probeCheck(t, "chunked", probeOpts(startProbeServer(t, answerOnce(resp, true))))
	want := []string{`"40"`, "64 bytes", "not followed by CRLF", "decimal", "28"}
	wantFail(t, rep, "GET / is answered with a chunked body", Malformed, want...)

	raw := []byte(resp)
	headEnd := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	f := newHTTPFramer()
	for i := range raw {
		f.feed(raw[i : i+1])
	}
	fd := analyze(raw[:headEnd+2], len(raw), f, true).First()
	if fd == nil {
		t.Fatalf("the framer found nothing in %q", raw)
	}
	said := (&prober{opt: Options{Lang: "en"}}).say(fd.Phrase)
	for _, s := range want {
		if !strings.Contains(said, s) {
			t.Errorf("framer: %q does not say %q", said, s)
		}
	}
}
