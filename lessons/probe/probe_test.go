package probe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// These tests run every lesson's probes against the course's own servers,
// which must pass, and against broken servers written here, on real
// loopback sockets, which must fail for the right reason.

// setOf names the sets by lesson id, as the course's registry does.
var setOf = map[string]Set{
	"tcp-accept": TCPAccept, "client": Client, "ping-pong": PingPong, "byte-stream": ByteStream,
	"http-response": HTTPResponse, "content-length": ContentLength, "http-request": HTTPRequest,
	"routing": Routing, "concurrency": Concurrency, "keep-alive": KeepAlive, "timeouts": Timeouts,
	"closing": Closing, "chunked": Chunked, "files": Files, "compression": Compression,
}

// probeOpts are short waits, so a failing probe fails fast.
func probeOpts(target string) Options {
	return Options{Target: target, Wait: time.Second, Reply: 2 * time.Second, Quiet: 500 * time.Millisecond,
		IdleWait: 2 * time.Second, Pause: 100 * time.Millisecond}
}

// probeCheck runs lesson's probes against target with opt and fails the
// test if the check itself could not run.
func probeCheck(t *testing.T, lesson string, opt Options) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	set, ok := setOf[lesson]
	if !ok {
		t.Fatalf("no probe set for %s", lesson)
	}
	rep, err := Run(ctx, lesson, set, opt)
	if err != nil {
		t.Fatalf("Run %s: %v", lesson, err)
	}
	return rep
}

func probeText(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// probeResult returns the result named name.
func probeResult(t *testing.T, rep *Report, name string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no probe %q in\n%s", name, probeText(t, rep))
	return Result{}
}

// wantFail checks that probe name failed with kind and a reason saying
// each of says.
func wantFail(t *testing.T, rep *Report, name string, kind Outcome, says ...string) Result {
	t.Helper()
	r := probeResult(t, rep, name)
	if r.Pass || r.Kind != kind {
		t.Fatalf("probe %q: pass %v, kind %s, want a %s failure\n%s", name, r.Pass, r.Kind, kind, probeText(t, rep))
	}
	for _, s := range says {
		if !strings.Contains(r.Reason, s) {
			t.Errorf("probe %q: reason %q does not say %q", name, r.Reason, s)
		}
	}
	if rep.Pass() {
		t.Errorf("the report passes with a failed probe")
	}
	return r
}

// probeServer is a hand-written broken server on loopback: handle runs
// for each connection. Connections still open when the test ends are
// closed, and the handlers waited for.
type probeServer struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func startProbeServer(t *testing.T, handle func(c net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &probeServer{l: l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return l.Addr().String()
}

// probeReq is what a broken server read of a request.
type probeReq struct {
	line string // the request line
	head string // the whole header, without the blank line
	body []byte
}

// readProbeReq reads one request loosely: up to the blank line, then a
// Content-Length body. ok is false when the client went away first.
func readProbeReq(c net.Conn, pending *[]byte) (probeReq, bool) {
	buf := make([]byte, 4096)
	for {
		if i := bytes.Index(*pending, []byte("\r\n\r\n")); i >= 0 {
			head := string((*pending)[:i])
			n := 0
			for _, l := range strings.Split(head, "\r\n") {
				if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Content-Length") {
					n, _ = strconv.Atoi(strings.TrimSpace(v))
				}
			}
			if len(*pending) >= i+4+n {
				line, _, _ := strings.Cut(head, "\r\n")
				req := probeReq{line: line, head: head, body: bytes.Clone((*pending)[i+4 : i+4+n])}
				*pending = (*pending)[i+4+n:]
				return req, true
			}
		}
		k, err := c.Read(buf)
		*pending = append(*pending, buf[:k]...)
		if err != nil {
			return probeReq{}, false
		}
	}
}

// closePolitely ends a connection with a FIN, after letting the client
// read, so no reset destroys what was written.
func closePolitely(c net.Conn) {
	_ = c.(*net.TCPConn).CloseWrite()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, _ = io.Copy(io.Discard, c)
	_ = c.Close()
}

// holdOpen reads until the client closes; it never writes.
func holdOpen(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// answerOnce is a server that reads one request and writes resp; with
// closing it then closes, else it keeps the connection open.
func answerOnce(resp string, closing bool) func(net.Conn) {
	return func(c net.Conn) {
		var pending []byte
		if _, ok := readProbeReq(c, &pending); !ok {
			return
		}
		_, _ = c.Write([]byte(resp))
		if closing {
			closePolitely(c)
			return
		}
		holdOpen(c)
	}
}

const probeHead = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"

// The classic mistakes, each failing the http-response probe that names it.
func TestProbeHTTPResponseClassicMistakes(t *testing.T) {
	t.Run("Content-Length counted in characters", func(t *testing.T) {
		t.Parallel()
		resp := probeHead + "Content-Length: 13\r\nConnection: close\r\n\r\n" + behaviors.HelloBody
		addr := startProbeServer(t, answerOnce(resp, true))
		for _, lesson := range []string{"http-response", "content-length"} {
			rep := probeCheck(t, lesson, probeOpts(addr))
			name := map[string]string{"http-response": "Content-Length, when present, equals the body's bytes", "content-length": "Content-Length counts the body's bytes"}[lesson]
			r := wantFail(t, rep, name, Malformed, "18 bytes were sent after the header but Content-Length says 13", "Content-Length counts bytes, not characters", "🎉 is 4 bytes")
			if want := len(resp) - 5; r.Caret != want {
				t.Errorf("%s: caret at %d, want %d (the first byte past the 13)", lesson, r.Caret, want)
			}
		}
	})
	t.Run("LF-only line endings", func(t *testing.T) {
		t.Parallel()
		resp := "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\nConnection: close\n\nhello"
		addr := startProbeServer(t, answerOnce(resp, true))
		rep := probeCheck(t, "http-response", probeOpts(addr))
		r := wantFail(t, rep, "every line ends in CRLF", Malformed, "bare LF", "CRLF")
		if r.Caret != len("HTTP/1.1 200 OK") {
			t.Errorf("caret at %d, want %d", r.Caret, len("HTTP/1.1 200 OK"))
		}
		// The other rules are still judged: the mistake hides nothing.
		for _, name := range []string{"a valid status line and header lines", "the header ends with a blank line", "Content-Length, when present, equals the body's bytes", "a Content-Type is present"} {
			if r := probeResult(t, rep, name); !r.Pass {
				t.Errorf("probe %q failed too: %s", name, r.Reason)
			}
		}
		// A course lesson whose probes only care about framing says it too.
		rep = probeCheck(t, "routing", probeOpts(addr))
		wantFail(t, rep, "GET / is answered with 200", Malformed, "bare LF")
	})
	t.Run("no blank line after the headers", func(t *testing.T) {
		t.Parallel()
		head := probeHead + "Content-Length: 5\r\nConnection: close\r\n"
		addr := startProbeServer(t, answerOnce(head+"hello", true))
		rep := probeCheck(t, "http-response", probeOpts(addr))
		r := wantFail(t, rep, "the header ends with a blank line", Malformed, "does not end with a blank line", `"hello"`)
		if r.Caret != len(head) {
			t.Errorf("caret at %d, want %d", r.Caret, len(head))
		}
		wantFail(t, rep, "Content-Length, when present, equals the body's bytes", NotChecked, "the header never ended")
	})
	t.Run("no Content-Length and no close", func(t *testing.T) {
		t.Parallel()
		resp := probeHead + "\r\nhello"
		addr := startProbeServer(t, answerOnce(resp, false))
		rep := probeCheck(t, "http-response", probeOpts(addr))
		r := wantFail(t, rep, "without Content-Length, the server closes", Hung, "no Content-Length", "kept the connection open", "tubes waited 500ms")
		if r.Caret != len(resp) || r.Ending != "quiet" {
			t.Errorf("caret at %d (want %d), ending %q", r.Caret, len(resp), r.Ending)
		}
	})
	t.Run("Content-Length too long, the client hangs", func(t *testing.T) {
		t.Parallel()
		resp := probeHead + "Content-Length: 30\r\n\r\n" + behaviors.HelloBody
		addr := startProbeServer(t, answerOnce(resp, false))
		rep := probeCheck(t, "content-length", probeOpts(addr))
		wantFail(t, rep, "Content-Length counts the body's bytes", Hung, "only 18 bytes came", "12 bytes that never come")
	})
}

// No reply, a close, a reset and nothing listening each read differently.
func TestProbeTransportFailures(t *testing.T) {
	t.Run("never answers", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, holdOpen)
		for lesson, name := range map[string]string{"http-response": "a valid status line and header lines", "ping-pong": "answers a message", "routing": "GET / is answered with 200"} {
			opt := probeOpts(addr)
			opt.Reply = 700 * time.Millisecond
			rep := probeCheck(t, lesson, opt)
			wantFail(t, rep, name, TimedOut, "accepted the connection but did not reply", "within 700ms")
		}
	})
	t.Run("closes without replying", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, func(c net.Conn) {
			var pending []byte
			readProbeReq(c, &pending)
			closePolitely(c)
		})
		rep := probeCheck(t, "http-response", probeOpts(addr))
		wantFail(t, rep, "a valid status line and header lines", ClosedEarly, "closed the connection without replying")
		wantFail(t, rep, "a Content-Type is present", NotChecked, "no complete response came")
	})
	t.Run("resets", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, func(c net.Conn) {
			buf := make([]byte, 4096)
			_, _ = c.Read(buf)
			_ = c.(*net.TCPConn).SetLinger(0)
			_ = c.Close()
		})
		for lesson, name := range map[string]string{"http-response": "a valid status line and header lines", "ping-pong": "answers a message", "keep-alive": "the first response has a Content-Length and the connection stays open"} {
			rep := probeCheck(t, lesson, probeOpts(addr))
			wantFail(t, rep, name, WasReset, "reset the connection")
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		t.Parallel()
		addr := probeDeadAddr(t)
		for lesson, first := range map[string]string{"tcp-accept": "accepts a connection", "http-response": "a valid status line and header lines"} {
			opt := probeOpts(addr)
			opt.Wait = 300 * time.Millisecond
			start := time.Now()
			rep := probeCheck(t, lesson, opt)
			if took := time.Since(start); took < 300*time.Millisecond || took > 3*time.Second {
				t.Errorf("waited %s for the server, want about 300ms", took)
			}
			if !rep.NotRun || len(rep.Results) != 1 {
				t.Fatalf("not run %v, %d results", rep.NotRun, len(rep.Results))
			}
			wantFail(t, rep, first, NotListening, "nothing is listening on "+addr, "refused", "refused for 3")
			if text := probeText(t, rep); !strings.Contains(text, "nothing is listening on "+addr) || !strings.Contains(text, "no probe ran") {
				t.Errorf("report:\n%s", text)
			}
		}
	})
}

func probeDeadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// --wait retries while the server comes up, instead of failing at once.
func TestCheckWaitsForServer(t *testing.T) {
	t.Parallel()
	addr := probeDeadAddr(t)
	up := make(chan net.Listener, 1)
	go func() {
		time.Sleep(400 * time.Millisecond)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			up <- nil
			return
		}
		up <- l
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond)) // closes when idle
				holdOpen(c)
				_ = c.Close()
			}()
		}
	}()
	opt := probeOpts(addr)
	opt.Wait = 5 * time.Second
	rep := probeCheck(t, "tcp-accept", opt)
	l := <-up
	if l == nil {
		t.Skip("the port was taken meanwhile")
	}
	defer l.Close()
	if !rep.Pass() {
		t.Fatalf("did not wait for the server:\n%s", probeText(t, rep))
	}
}

// A server that answers reads, not lines, is caught on the first piece.
func TestProbeByteStreamPerRead(t *testing.T) {
	t.Parallel()
	echo := startProbeServer(t, func(c net.Conn) { _, _ = io.Copy(c, c) })
	rep := probeCheck(t, "byte-stream", probeOpts(echo))
	wantFail(t, rep, "answers each line, however the writes split it", Wrong, "answered before any line was complete", `"first li"`)

	// One that answers only the first line of each read misses some.
	firstOnly := startProbeServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		var pending []byte
		n := 0
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			pending = append(pending, buf[:k]...)
			if i := bytes.IndexByte(pending, '\n'); i >= 0 {
				n++
				fmt.Fprintf(c, "line %d: %s\n", n, pending[:i])
				pending = nil // drops the rest of the read: a framing bug
			}
		}
	})
	// Answers that do not repeat the text still show the framing.
	ok := startProbeServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			_, _ = c.Write(bytes.Repeat([]byte("ok\n"), bytes.Count(buf[:k], []byte("\n"))))
		}
	})
	rep = probeCheck(t, "byte-stream", probeOpts(ok))
	if r := probeResult(t, rep, "answers each line, however the writes split it"); !r.Pass || !strings.Contains(r.Note, "do not repeat") {
		t.Errorf("a line-framing server that answers ok fails: %s %s", r.Reason, r.Note)
	}

	rep = probeCheck(t, "byte-stream", probeOpts(firstOnly))
	r := wantFail(t, rep, "answers each line, however the writes split it", Wrong, "only 1 of them")
	if r.Caret != len("line 1: first line\n") {
		t.Errorf("caret at %d", r.Caret)
	}
}

// A client that closes must see the server close too.
func TestProbeClientClose(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	stays := startProbeServer(t, func(c net.Conn) {
		holdOpen(c) // until the client's FIN…
		<-stop      // …and then never close, until the test ends
	})
	t.Cleanup(func() { close(stop) })
	rep := probeCheck(t, "client", probeOpts(stays))
	if r := probeResult(t, rep, "accepts a connection"); !r.Pass {
		t.Errorf("accepts: %s", r.Reason)
	}
	wantFail(t, rep, "closes the connection when the client closes", TimedOut, "kept the connection open", "end-of-file")
}

// An idle connection that nobody closes fails the timeouts probe, with the
// wait named; one the server closes passes with the time it took.
func TestProbeTimeouts(t *testing.T) {
	t.Parallel()
	never := startProbeServer(t, holdOpen)
	opt := probeOpts(never)
	opt.IdleWait = 500 * time.Millisecond
	rep := probeCheck(t, "timeouts", opt)
	wantFail(t, rep, "closes an idle connection", TimedOut, "still open after 500ms")

	closes := startProbeServer(t, func(c net.Conn) {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		holdOpen(c)
		_ = c.Close()
	})
	rep = probeCheck(t, "timeouts", probeOpts(closes))
	r := probeResult(t, rep, "closes an idle connection")
	if !r.Pass || !strings.Contains(r.Note, "closed the connection after ") {
		t.Fatalf("pass %v, note %q", r.Pass, r.Note)
	}
}

// probeRouter is a router written in the test, with mistakes to choose.
func probeRouter(noAllow, emptyNotFound bool) func(net.Conn) {
	return func(c net.Conn) {
		var pending []byte
		req, ok := readProbeReq(c, &pending)
		if !ok {
			return
		}
		status, headers, body := "200 OK", "", "hello\n"
		switch req.line {
		case "GET / HTTP/1.1", "HEAD / HTTP/1.1", "GET /time HTTP/1.1":
		case "POST /echo HTTP/1.1":
			body = string(req.body)
		case "DELETE /time HTTP/1.1":
			status, body = "405 Method Not Allowed", "no\n"
			if !noAllow {
				headers = "Allow: GET, HEAD\r\n"
			}
		default:
			status, body = "404 Not Found", "not found\n"
			if emptyNotFound {
				body = ""
			}
		}
		length := len(body)
		if req.line == "HEAD / HTTP/1.1" {
			body = "" // the headers of GET /, without its body
		}
		fmt.Fprintf(c, "HTTP/1.1 %s\r\n%sContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, headers, length, body)
		closePolitely(c)
	}
}

func TestProbeRouting(t *testing.T) {
	t.Parallel()
	if rep := probeCheck(t, "routing", probeOpts(startProbeServer(t, probeRouter(false, false)))); !rep.Pass() {
		t.Fatalf("a good router fails:\n%s", probeText(t, rep))
	}
	rep := probeCheck(t, "routing", probeOpts(startProbeServer(t, probeRouter(true, true))))
	r := wantFail(t, rep, "DELETE /time gets 405 with an Allow header", Wrong, "no Allow header")
	if r.Caret < 0 || r.Received[r.Caret] != '\r' {
		t.Errorf("caret at %d, want the blank line", r.Caret)
	}
	wantFail(t, rep, "GET /nope gets 404 with a body", Wrong, "empty body")
	if rep.Failed() != 2 {
		t.Errorf("%d failed, want 2:\n%s", rep.Failed(), probeText(t, rep))
	}

	// 200 for everything: a valid reply, but the wrong one.
	always := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))
	rep = probeCheck(t, "routing", probeOpts(always))
	r = wantFail(t, rep, "GET /nope gets 404 with a body", Wrong, "answered 200 OK to GET /nope", "404 Not Found")
	if r.Caret != len("HTTP/1.1 ") {
		t.Errorf("caret at %d, want the status code", r.Caret)
	}
	wantFail(t, rep, "POST /echo sends the body back", Wrong, "came back different")
	rep = probeCheck(t, "http-request", probeOpts(always))
	wantFail(t, rep, "a malformed request line gets 400", Wrong, "answered 200 OK", `"HELLO"`, "400")
}

// A keep-alive server that closes after one response fails both probes.
func TestProbeKeepAliveClosesAfterOne(t *testing.T) {
	t.Parallel()
	addr := startProbeServer(t, answerOnce(probeHead+"Content-Length: 2\r\nConnection: close\r\n\r\nhi", true))
	rep := probeCheck(t, "keep-alive", probeOpts(addr))
	wantFail(t, rep, "the first response has a Content-Length and the connection stays open", Wrong, "closed the connection after the first response", "Connection: close")
	wantFail(t, rep, "a second request on the same connection is answered", NotChecked, "not sent")

	noLength := startProbeServer(t, answerOnce(probeHead+"\r\nhi", false))
	rep = probeCheck(t, "keep-alive", probeOpts(noLength))
	wantFail(t, rep, "the first response has a Content-Length and the connection stays open", Hung, "no Content-Length")
}

// startSequentialServer serves one connection at a time in its accept
// loop: it reads a request, waits pause, writes reply and closes, so the
// next connection waits in the backlog meanwhile.
func startSequentialServer(t *testing.T, pause time.Duration, reply string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.SetDeadline(time.Now().Add(3 * time.Second))
			var pending []byte
			if _, ok := readProbeReq(c, &pending); ok {
				time.Sleep(pause)
				_, _ = c.Write([]byte(reply))
			}
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = l.Close(); <-done })
	return l.Addr().String()
}

// A server that serves one connection at a time fails the concurrency
// probe, with the numbers.
func TestProbeConcurrencySequential(t *testing.T) {
	t.Parallel()
	addr := startSequentialServer(t, 400*time.Millisecond, probeHead+"Content-Length: 3\r\nConnection: close\r\n\r\nhi\n")
	rep := probeCheck(t, "concurrency", probeOpts(addr))
	wantFail(t, rep, "five requests at once take about as long as one", Wrong, "one request alone took", "5 at once took", "the limit is 2.5 ×", "one connection at a time")
}

func TestCheckParseTarget(t *testing.T) {
	for in, want := range map[string]string{"localhost:3000": "localhost:3000", "127.0.0.1:80": "127.0.0.1:80", "[::1]:8080": "[::1]:8080"} {
		if got, err := ParseTarget(in); err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "3000", ":3000", "localhost", "localhost:0", "localhost:70000", "localhost:http", "http://localhost:3000/", "::1:3000",
		"\x1b_X\x1b\\x:1", "\x1b]0;t\x07:80", "a\rb:80", "x\u202e:80", "\u009b:80", "local\x1b[2Jhost:3000", "evil\u202e:3000"} {
		_, err := ParseTarget(in)
		if err == nil {
			t.Errorf("ParseTarget(%q) accepted", in)
			continue
		}
		if msg := netcore.SayError(err, Words("en")); msg != netcore.EscapeText(msg) || !strings.HasPrefix(msg, "\"") || strings.ContainsAny(msg, "\x1b\u202e\n") {
			t.Errorf("ParseTarget(%q) names it raw: %q", in, msg)
		}
	}
}
