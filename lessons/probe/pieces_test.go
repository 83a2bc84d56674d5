package probe

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"
)

const okResp = probeHead + "Content-Length: 2\r\n\r\nhi"

// everyRead answers each read as if it were a whole request.
func everyRead(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
		if _, err := c.Write([]byte(okResp)); err != nil {
			return
		}
	}
}

// firstReadOnly parses the first read as one request and answers it,
// then each later read likewise: pipelined bytes in that read are lost.
func firstReadOnly(c net.Conn) {
	buf := make([]byte, 4096)
	var pending []byte
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		pending = append(pending, buf[:n]...)
		if bytes.Contains(pending, []byte("\r\n\r\n")) {
			pending = nil // the rest of the read is dropped
			if _, err := c.Write([]byte(okResp)); err != nil {
				return
			}
		}
	}
}

// A server that answers each read fails the split request, pointing at
// byte-stream; one that parses only its first read fails the pipelined
// pair; both say the request came in pieces.
func TestProbeRequestsInPieces(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "http-request", probeOpts(startProbeServer(t, everyRead)))
	wantFail(t, rep, "a request split mid-line is answered once", Wrong, "before the request was complete", "byte-stream lesson")
	rep = probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, firstReadOnly)))
	wantFail(t, rep, "two requests in one write are both answered", TimedOut, "only the first was answered", "byte-stream lesson")
	// Answering the first with Connection: close and closing is right.
	closer := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))
	rep = probeCheck(t, "timeouts", probeOpts(closer))
	if r := probeResult(t, rep, "two requests in one write are both answered"); r.Verdict() != VerdictPass {
		t.Errorf("Connection: close then close: %s %s", r.Verdict(), r.Reason)
	}
}

// Concurrency, whatever the handler's speed: a fast one-at-a-time server
// fails while a connection holds half a request; one per connection
// passes.
func TestProbeConcurrencyHeldOpen(t *testing.T) {
	t.Parallel()
	seq := startSequentialServer(t, 0, probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi")
	opt := probeOpts(seq)
	opt.Reply = time.Second
	rep := probeCheck(t, "concurrency", opt)
	wantFail(t, rep, "a connection that is slow to send does not hold up the others", TimedOut, "one connection at a time")

	perConn := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))
	rep = probeCheck(t, "concurrency", probeOpts(perConn))
	if r := probeResult(t, rep, "a connection that is slow to send does not hold up the others"); !r.Pass {
		t.Errorf("a connection-per-goroutine server: %s", r.Reason)
	}
}

// keep-alive: an HTTP/1.0 response is not keep-alive, and Connection:
// close must be honoured.
func TestProbeKeepAliveRules(t *testing.T) {
	t.Parallel()
	old := startProbeServer(t, func(c net.Conn) {
		var pending []byte
		for {
			if _, ok := readProbeReq(c, &pending); !ok {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"))
		}
	})
	rep := probeCheck(t, "keep-alive", probeOpts(old))
	wantFail(t, rep, "the first response has a Content-Length and the connection stays open", Wrong, "HTTP/1.0", "RFC 9112")

	neverCloses := startProbeServer(t, func(c net.Conn) {
		var pending []byte
		for {
			if _, ok := readProbeReq(c, &pending); !ok {
				return
			}
			_, _ = c.Write([]byte(okResp))
		}
	})
	opt := probeOpts(neverCloses)
	opt.Reply = 700 * time.Millisecond
	rep = probeCheck(t, "keep-alive", opt)
	wantFail(t, rep, "Connection: close is honoured", Wrong, "still open", "Connection: close")
	if r := probeResult(t, rep, "a second request on the same connection is answered"); !r.Pass {
		t.Errorf("second: %s", r.Reason)
	}
}

// tcp-accept: an untouched starter that never closes a silent connection
// fails, with the wait named.
func TestProbeTCPAcceptIdle(t *testing.T) {
	t.Parallel()
	opt := probeOpts(startProbeServer(t, holdOpen))
	opt.IdleWait = 500 * time.Millisecond
	rep := probeCheck(t, "tcp-accept", opt)
	r := wantFail(t, rep, "closes an idle connection", TimedOut, "still open after 500ms")
	if strings.Contains(r.Reason, "not checked") {
		t.Errorf("reason %q", r.Reason)
	}
}
