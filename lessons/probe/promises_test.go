package probe

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The probes of what each lesson's "Your turn" asks for beyond its first
// steps: servers written here that skip one promise must fail the probe
// that names it, and ones that keep them all must pass.

// readHead reads up to a request's blank line (the probes here send no
// bodies it must skip) and returns the head; ok is false when the client
// went away or the read's deadline passed first.
func readHead(c net.Conn, pending *[]byte) (string, bool) {
	buf := make([]byte, 4096)
	for {
		if i := bytes.Index(*pending, []byte("\r\n\r\n")); i >= 0 {
			head := string((*pending)[:i])
			*pending = (*pending)[i+4:]
			return head, true
		}
		n, err := c.Read(buf)
		*pending = append(*pending, buf[:n]...)
		if err != nil {
			return "", false
		}
	}
}

func hasHeader(head, line string) bool {
	for _, l := range strings.Split(head, "\r\n")[1:] {
		if strings.EqualFold(l, line) {
			return true
		}
	}
	return false
}

func hasHost(head string) bool {
	for _, l := range strings.Split(head, "\r\n")[1:] {
		if k, _, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Host") {
			return true
		}
	}
	return false
}

// kaServer answers request after request on a connection, closing after
// one that says Connection: close. With strict, it also closes after an
// HTTP/1.0 request, refuses a missing Host with 400, and closes a
// connection silent for idle.
func kaServer(strict bool, idle time.Duration) func(net.Conn) {
	return func(c net.Conn) {
		var pending []byte
		for {
			if strict {
				_ = c.SetReadDeadline(time.Now().Add(idle))
			}
			head, ok := readHead(c, &pending)
			if !ok {
				_ = c.Close()
				return
			}
			line, _, _ := strings.Cut(head, "\r\n")
			closing := hasHeader(head, "Connection: close") || strict && strings.HasSuffix(line, "HTTP/1.0")
			status, body := "200 OK", "hi"
			if strict && strings.HasSuffix(line, "HTTP/1.1") && !hasHost(head) {
				status, body, closing = "400 Bad Request", "no Host", true
			}
			extra := ""
			if closing {
				extra = "Connection: close\r\n"
			}
			fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n%s", status, len(body), extra, body)
			if closing {
				closePolitely(c)
				return
			}
		}
	}
}

func TestProbeKeepAliveEnds(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, kaServer(true, 600*time.Millisecond))))
	if !rep.Pass() {
		t.Fatalf("a keep-alive server that keeps every promise fails:\n%s", probeText(t, rep))
	}
	if r := probeResult(t, rep, "a kept-alive connection that goes silent is closed"); !strings.Contains(r.Note, "of silence") {
		t.Errorf("note %q", r.Note)
	}

	// Keep-alive, and nothing else: it never closes on its own.
	rep = probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, kaServer(false, 0))))
	for _, name := range []string{"the first response has a Content-Length and the connection stays open", "Connection: close is honoured"} {
		if r := probeResult(t, rep, name); !r.Pass {
			t.Errorf("%q fails: %s", name, r.Reason)
		}
	}
	wantFail(t, rep, "an HTTP/1.0 request is answered, then the connection closes", Wrong, "HTTP/1.0 without Connection: keep-alive", "still open", "RFC 9112 §9.3")
	wantFail(t, rep, "a kept-alive connection that goes silent is closed", TimedOut, "still open after 2s (--idle-wait) of silence")
	wantFail(t, rep, "an HTTP/1.1 request without Host gets 400", Wrong, "answered 200 OK", "requires a Host header")

	// One that ignores HTTP/1.0 and closes only at its idle timeout, well
	// within the reply wait: that close is not the HTTP/1.0 rule kept.
	idleOnly := func(c net.Conn) {
		var pending []byte
		for {
			_ = c.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
			if _, ok := readHead(c, &pending); !ok {
				_ = c.Close()
				return
			}
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi")
		}
	}
	opt := probeOpts(startProbeServer(t, idleOnly))
	opt.Reply = 3 * time.Second
	rep = probeCheck(t, "keep-alive", opt)
	wantFail(t, rep, "an HTTP/1.0 request is answered, then the connection closes", Wrong, "still open 1s after the answer")

	// One that closes after each answer fails ka-first; waiting for it to
	// close a silent connection would only repeat that.
	rep = probeCheck(t, "keep-alive", probeOpts(startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))))
	wantFail(t, rep, "a kept-alive connection that goes silent is closed", NotChecked, "the first response failed")
}

func TestProbeHTTPRequestRefusals(t *testing.T) {
	t.Parallel()
	always := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))
	rep := probeCheck(t, "http-request", probeOpts(always))
	r := wantFail(t, rep, "an HTTP/1.1 request without Host gets 400", Wrong, "answered 200 OK to the request", "400 Bad Request", "requires a Host header")
	if bytes.Contains(r.Sent, []byte("Host:")) {
		t.Errorf("the request sent has a Host: %q", r.Sent)
	}
	wantFail(t, rep, "a Transfer-Encoding it cannot decode gets 501", Wrong, "501 Not Implemented", "Transfer-Encoding: gzip, chunked")

	// Hanging up on a request is no refusal: the client learns nothing.
	hangs := startProbeServer(t, func(c net.Conn) {
		var pending []byte
		head, ok := readHead(c, &pending)
		if ok && hasHost(head) && !strings.Contains(head, "Transfer-Encoding") {
			_, _ = io.WriteString(c, probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi")
		}
		closePolitely(c)
	})
	rep = probeCheck(t, "http-request", probeOpts(hangs))
	wantFail(t, rep, "an HTTP/1.1 request without Host gets 400", ClosedEarly, "which has no Host header")
	wantFail(t, rep, "a Transfer-Encoding it cannot decode gets 501", ClosedEarly, "gzip, chunked", "501 Not Implemented")
}

// guarded is a timeouts server: each read waits at most idle; with header
// set, the whole head must come within it of the connection's start; with
// limit set, at most that many connections are held, and with leak a
// client's own close never gives its place back.
func guarded(idle, header time.Duration, limit int, leak bool) func(net.Conn) {
	var open atomic.Int32
	return func(c net.Conn) {
		if limit > 0 {
			if open.Add(1) > int32(limit) {
				open.Add(-1)
				_ = c.Close()
				return
			}
		}
		start := time.Now()
		var pending []byte
		buf := make([]byte, 4096)
		for !bytes.Contains(pending, []byte("\r\n\r\n")) {
			deadline := time.Now().Add(idle)
			if header > 0 && start.Add(header).Before(deadline) {
				deadline = start.Add(header)
			}
			_ = c.SetReadDeadline(deadline)
			n, err := c.Read(buf)
			pending = append(pending, buf[:n]...)
			if err != nil {
				_ = c.Close()
				if limit > 0 && !(leak && err == io.EOF) {
					open.Add(-1)
				}
				return
			}
		}
		_, _ = io.WriteString(c, probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi")
		closePolitely(c)
		if limit > 0 {
			open.Add(-1)
		}
	}
}

func TestProbeTimeoutsGuards(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "timeouts", probeOpts(startProbeServer(t, guarded(2*time.Second, time.Second, ConnCap, false))))
	if !rep.Pass() {
		t.Fatalf("a server with both clocks and a cap fails:\n%s", probeText(t, rep))
	}

	// An idle clock alone: a byte every so often keeps the head alive,
	// and every connection is served.
	rep = probeCheck(t, "timeouts", probeOpts(startProbeServer(t, guarded(time.Second, 0, 0, false))))
	if r := probeResult(t, rep, "closes an idle connection"); !r.Pass {
		t.Errorf("idle-close fails: %s", r.Reason)
	}
	wantFail(t, rep, "a header that trickles in forever is cut", TimedOut, "one every 133ms", "never ended it", "still open after 2s (--idle-wait)")
	r := wantFail(t, rep, "at most 20 connections at once", Wrong, "connection 21 got 200 OK", "while 20 others were held open", "503 Service Unavailable")
	if r.Caret != len("HTTP/1.1 ") {
		t.Errorf("caret at %d, want the status code", r.Caret)
	}
	wantFail(t, rep, "a closed connection gives its place back", NotChecked, "the connection cap failed")

	// A cap that forgets the connections its clients closed.
	rep = probeCheck(t, "timeouts", probeOpts(startProbeServer(t, guarded(2*time.Second, time.Second, ConnCap, true))))
	if r := probeResult(t, rep, "at most 20 connections at once"); !r.Pass {
		t.Errorf("conn-cap fails: %s", r.Reason)
	}
	// Closed at once, or reset: the request was left unread.
	if r := probeResult(t, rep, "a closed connection gives its place back"); r.Pass || r.Kind != ClosedEarly && r.Kind != WasReset ||
		!strings.Contains(r.Reason, "give a connection's place back when it closes") {
		t.Errorf("cap-frees: pass %v, kind %s, reason %q", r.Pass, r.Kind, r.Reason)
	}

	// A cap below 20. (Which of the 20 it turns away depends on the order
	// this server's goroutines run in.)
	rep = probeCheck(t, "timeouts", probeOpts(startProbeServer(t, guarded(2*time.Second, time.Second, 5, false))))
	wantFail(t, rep, "at most 20 connections at once", Wrong, "of the 20 held open at once", "holds 20 connections")
}

// wsEchoer upgrades and echoes every frame, masked or not and of any
// size; it sends no ticks, and answers a close frame with one.
func wsEchoer(t *testing.T) string {
	return wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
		for {
			f, ok := readClientFrame(r)
			if !ok {
				return
			}
			_, _ = c.Write(behaviors.AppendFrame(nil, true, f.Opcode, nil, f.Payload))
			if f.Opcode == behaviors.OpClose {
				return
			}
		}
	})
}

func TestProbeWebSocketTicksAndRefusals(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "websocket", probeOpts(wsEchoer(t)))
	for _, name := range []string{"echoes a masked text frame", "answers a close frame with a close frame"} {
		if r := probeResult(t, rep, name); !r.Pass {
			t.Errorf("%q fails: %s", name, r.Reason)
		}
	}
	wantFail(t, rep, "sends ticks unasked", TimedOut, "0 tick frames", "every second")
	r := wantFail(t, rep, "an unmasked frame gets close 1002", TimedOut, "a text frame without a mask", "code 1002")
	if !bytes.Equal(r.Sent, behaviors.AppendFrame(nil, true, behaviors.OpText, nil, wsNoMask)) {
		t.Errorf("sent %q, want the unmasked frame", r.Sent)
	}
	r = wantFail(t, rep, "a frame over 64 KiB gets close 1009", TimedOut, "announces 65537 bytes, more than 65536", "code 1009")
	if len(r.Sent) != 14 {
		t.Errorf("sent %d bytes shown, want the 14 of the frame's header", len(r.Sent))
	}

	// Refusals with the wrong code: 1000 says all went well.
	polite := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
		if _, ok := readClientFrame(r); ok {
			_, _ = c.Write(behaviors.AppendFrame(nil, true, behaviors.OpClose, nil, behaviors.ClosePayload(behaviors.CloseNormal, "")))
		}
	})
	rep = probeCheck(t, "websocket", probeOpts(polite))
	wantFail(t, rep, "an unmasked frame gets close 1002", Wrong, "closed with code 1000", "is 1002")
	wantFail(t, rep, "a frame over 64 KiB gets close 1009", Wrong, "closed with code 1000", "is 1009")

	// Ticks that skip a number.
	skips := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, _ *bufio.Reader) {
		for _, n := range []int{1, 3} {
			_, _ = c.Write(behaviors.AppendFrame(nil, true, behaviors.OpText, nil, []byte(fmt.Sprintf("tick %d", n))))
		}
		time.Sleep(time.Second)
	})
	rep = probeCheck(t, "websocket", probeOpts(skips))
	wantFail(t, rep, "sends ticks unasked", Wrong, "tick 1, tick 3")

	// No upgrade: the three are not run.
	rep = probeCheck(t, "websocket", probeOpts(startProbeServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", true))))
	for _, name := range []string{"sends ticks unasked", "an unmasked frame gets close 1002", "a frame over 64 KiB gets close 1009"} {
		wantFail(t, rep, name, NotChecked, "the upgrade failed")
	}
}

// headRouter answers GET / and, for HEAD /, the head GET / gets, with the
// mistake chosen: the body too, or another length.
func headRouter(body bool, length int) func(net.Conn) {
	return func(c net.Conn) {
		var pending []byte
		head, ok := readHead(c, &pending)
		if !ok {
			return
		}
		n, send := 6, "hello\n"
		if strings.HasPrefix(head, "HEAD ") {
			n = length
			if !body {
				send = ""
			}
		}
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", n, send)
		closePolitely(c)
	}
}

func TestProbeRoutingHead(t *testing.T) {
	t.Parallel()
	rep := probeCheck(t, "routing", probeOpts(startProbeServer(t, headRouter(false, 6))))
	if r := probeResult(t, rep, "HEAD / sends the headers and no body"); !r.Pass {
		t.Fatalf("a right HEAD fails: %s", r.Reason)
	}
	rep = probeCheck(t, "routing", probeOpts(startProbeServer(t, headRouter(true, 6))))
	wantFail(t, rep, "HEAD / sends the headers and no body", Malformed, "6 bytes came after the header of the HEAD response")
	rep = probeCheck(t, "routing", probeOpts(startProbeServer(t, headRouter(false, 0))))
	wantFail(t, rep, "HEAD / sends the headers and no body", Wrong, "disagree on Content-Length: 0 for HEAD, 6 for GET")
}

// A server that never answers is not asked the new questions too: each
// would only wait as long again.
func TestProbeNewRefusalsAreKnockOnsOfSilence(t *testing.T) {
	t.Parallel()
	silent := startProbeServer(t, holdOpen)
	cases := map[string][]string{
		"http-request": {"an HTTP/1.1 request without Host gets 400", "a Transfer-Encoding it cannot decode gets 501"},
		"keep-alive":   {"an HTTP/1.0 request is answered, then the connection closes", "a kept-alive connection that goes silent is closed", "an HTTP/1.1 request without Host gets 400"},
		"routing":      {"HEAD / sends the headers and no body"},
	}
	for lesson, names := range cases {
		rep := probeCheck(t, lesson, probeOpts(silent))
		wantFail(t, rep, rep.Results[0].Name, TimedOut, "did not reply")
		for _, name := range names {
			if r := wantFail(t, rep, name, NotChecked); r.Command == "" {
				t.Errorf("%s: %q has no command", lesson, name)
			}
		}
	}
}
