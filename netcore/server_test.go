package netcore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// canListen6 reports whether this machine has an IPv6 loopback.
func canListen6() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// exchangePong writes msg and expects exactly one pongReply back.
func exchangePong(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatalf("write %q: %v", msg, err)
	}
	got := make([]byte, len(pongReply))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading reply to %q: %v", msg, err)
	}
	if !bytes.Equal(got, pongReply) {
		t.Fatalf("reply %q, want %q", got, pongReply)
	}
}

func TestListenLocalhostMeansBothLoopbacks(t *testing.T) {
	s, col := startServer(t, defaultsAt("localhost:0"), pingPong{})
	p := s.Port()
	if p == 0 {
		t.Fatal("Port() = 0 after listening on port 0")
	}
	if s.Host() != "localhost" {
		t.Fatalf("Host() = %q, want localhost", s.Host())
	}
	want := []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(p))}
	if canListen6() {
		want = append(want, net.JoinHostPort("::1", strconv.Itoa(p)))
	}
	var got []string
	for _, a := range s.Addrs() {
		got = append(got, a.String())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Addrs() = %v, want %v", got, want)
	}
	listening := col.waitCount(len(want), "listening events", is(FromServer, Listening))
	for i, e := range listening {
		if e.Local.String() != want[i] || e.Text != "ping-pong" {
			t.Errorf("listening event %d: local %v text %q, want %s ping-pong", i, e.Local, e.Text, want[i])
		}
	}
	// Every address answers, including the name itself.
	for _, a := range append(want, net.JoinHostPort("localhost", strconv.Itoa(p))) {
		exchangePong(t, dialRaw(t, "tcp", a), "hi")
	}
	col.waitCount(len(want)+1, "accepts", is(FromServer, Accepted))
}

func TestAcceptOnlyRecordsAndClosesWhenIdle(t *testing.T) {
	const idle = 200 * time.Millisecond
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), silent{Idle: idle})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	if _, err := c.Write([]byte("anyone there?")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := readToEnd(t, c)
	if err != nil || len(got) != 0 {
		t.Fatalf("peer read %q, %v; want a clean EOF with zero bytes", got, err)
	}
	if waited := time.Since(start); waited < idle*3/4 {
		t.Fatalf("closed after %v, before the %v idle timeout", waited, idle)
	}

	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]
	if closed.Reason != ByIdle || closed.Idle != idle {
		t.Fatalf("closed reason %v idle %v, want idle %v", closed.Reason, closed.Idle, idle)
	}
	if closed.In != 13 || closed.Out != 0 {
		t.Fatalf("closed totals in %d out %d, want 13 and 0", closed.In, closed.Out)
	}
	var data []byte
	for _, e := range filter(col.events, is(FromServer, Recv)) {
		data = append(data, e.Data...)
	}
	if string(data) != "anyone there?" {
		t.Fatalf("recv events hold %q", data)
	}
	if sent := filter(col.events, is(FromServer, Sent)); len(sent) != 0 {
		t.Fatalf("accept-only wrote: %v", sent)
	}
	if tot := s.Totals(); tot.Accepted != 1 || tot.Open != 0 || tot.BytesIn != 13 || tot.BytesOut != 0 {
		t.Fatalf("totals %+v", tot)
	}
}

// A behavior that sets no idle timeout gets the server's.
func TestConfigIdleTimeoutApplies(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.IdleTimeout = 150 * time.Millisecond
	s, col := startServer(t, cfg, silent{})
	dialRaw(t, "tcp", v4Addr(t, s))
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]
	if closed.Reason != ByIdle || closed.Idle != 150*time.Millisecond {
		t.Fatalf("closed reason %v idle %v, want idle 150ms", closed.Reason, closed.Idle)
	}
}

// A peer that aborts (RST instead of FIN) is told apart from a clean close.
func TestPeerResetIsReported(t *testing.T) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), silent{})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	if _, err := c.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	col.waitCount(1, "recv", is(FromServer, Recv))
	_ = c.(*net.TCPConn).SetLinger(0) // close sends RST
	_ = c.Close()
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]
	if closed.Reason != ByReset || CloseWording(closed) != "by client (reset)" {
		t.Fatalf("closed %v (%q), want reset", closed.Reason, CloseWording(closed))
	}
}

func TestPingPongEvents(t *testing.T) {
	if len(pongReply) != 18 {
		t.Fatalf("pongReply is %d bytes, the lesson says 18", len(pongReply))
	}
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	msgs := []string{"ping", "hello there", "🎉"}
	// Waiting for each reply keeps every write in a read of its own.
	for _, m := range msgs {
		exchangePong(t, c, m)
	}
	_ = c.Close()
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]

	recv := filter(col.events, is(FromServer, Recv))
	sent := filter(col.events, is(FromServer, Sent))
	if len(recv) != len(msgs) || len(sent) != len(msgs) {
		t.Fatalf("%d recv and %d sent events, want %d each:\n%s", len(recv), len(sent), len(msgs), dumpEvents(col.events))
	}
	var off int64
	for i, m := range msgs {
		r, w := recv[i], sent[i]
		if r.Count != len(m) || r.Offset != off || string(r.Data) != m {
			t.Errorf("recv %d: count %d offset %d data %q, want %d %d %q", i, r.Count, r.Offset, r.Data, len(m), off, m)
		}
		if w.Count != 18 || w.Offset != int64(18*i) || !bytes.Equal(w.Data, pongReply) {
			t.Errorf("sent %d: count %d offset %d data %q", i, w.Count, w.Offset, w.Data)
		}
		if r.Conn != closed.Conn || w.Conn != closed.Conn {
			t.Errorf("round %d on conns %d/%d, closed conn %d", i, r.Conn, w.Conn, closed.Conn)
		}
		off += int64(len(m))
	}
	if closed.Reason != ByPeer || closed.In != off || closed.Out != int64(18*len(msgs)) {
		t.Fatalf("closed %v in %d out %d, want peer %d %d", closed.Reason, closed.In, closed.Out, off, 18*len(msgs))
	}
}

func TestHTTPHelloIsAValidResponse(t *testing.T) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), hello{})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	const req = "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tubes-test\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	got, err := readToEnd(t, c)
	if err != nil {
		t.Fatalf("response cut by %v after %q", err, got)
	}
	if !bytes.Equal(got, helloResponse) {
		t.Fatalf("got %q\nwant %q", got, helloResponse)
	}

	// net/http must agree that these bytes are a correct response.
	hreq, _ := http.NewRequest("GET", "http://localhost/", nil)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), hreq)
	if err != nil {
		t.Fatalf("net/http cannot read the response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != 18 || len(body) != 18 || string(body) != "Hello, world! 🎉" {
		t.Fatalf("status %d length %d body %q", resp.StatusCode, resp.ContentLength, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}

	_ = c.Close()
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]
	if closed.Reason != BySelf || closed.In != int64(len(req)) || closed.Out != int64(len(helloResponse)) {
		t.Fatalf("closed %v in %d out %d, want self %d %d", closed.Reason, closed.In, closed.Out, len(req), len(helloResponse))
	}
}

func TestSetBehaviorOnlyAffectsNewConnections(t *testing.T) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{})
	before := dialRaw(t, "tcp", v4Addr(t, s))
	col.waitCount(1, "first accept", is(FromServer, Accepted))

	s.SetBehavior(hello{})
	if s.Behavior().Name() != "http-hello" {
		t.Fatalf("Behavior() = %s after swap", s.Behavior().Name())
	}
	col.waitFor("behavior note", func(es []Event) bool {
		return len(filter(es, func(e Event) bool { return e.Kind == Note && e.Text == "behavior http-hello" })) == 1
	})
	after := dialRaw(t, "tcp", v4Addr(t, s))

	exchangePong(t, before, "still ping-pong?")
	if _, err := after.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := readToEnd(t, after); err != nil || !bytes.Equal(got, helloResponse) {
		t.Fatalf("new connection got %q, %v; want the HTTP response", got, err)
	}
	exchangePong(t, before, "and still?")

	// Swapping to the same behavior is not news. SetBehavior pushes
	// synchronously, so one more drain sees any note it made.
	s.SetBehavior(hello{})
	col.waitCount(2, "both accepts", is(FromServer, Accepted))
	if notes := filter(col.events, is(FromServer, Note)); len(notes) != 1 {
		t.Fatalf("%d behavior notes, want 1:\n%s", len(notes), dumpEvents(col.events))
	}
}

// A swap made the instant a connection is reported accepted must not
// change that connection's program.
func TestSwapRightAfterAcceptKeepsOldBehavior(t *testing.T) {
	s, col := startHooked(t, defaultsAt("127.0.0.1:0"), pingPong{}, func(s *Server, e Event) {
		if e.Kind == Accepted {
			s.SetBehavior(hello{})
		}
	})
	exchangePong(t, dialRaw(t, "tcp", v4Addr(t, s)), "who am I talking to?")
	col.waitCount(1, "behavior note", is(FromServer, Note))
}

// When the Closed event is reported, the connection no longer counts toward
// MaxConns: a learner who sees it close and reconnects must get in.
func TestClosedEventFreesTheSlot(t *testing.T) {
	open := make(chan int, 1)
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 1
	s, col := startHooked(t, cfg, silent{}, func(s *Server, e Event) {
		if e.Kind == Closed {
			s.mu.Lock()
			n := len(s.conns)
			s.mu.Unlock()
			select {
			case open <- n:
			default:
			}
		}
	})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	col.waitCount(1, "accept", is(FromServer, Accepted))
	_ = c.Close()
	select {
	case n := <-open:
		if n != 0 {
			t.Fatalf("%d connections still held when Closed was reported", n)
		}
	case <-time.After(waitLimit):
		t.Fatal("no Closed event")
	}
}

func TestMaxConnsRefusesExtra(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 2
	s, col := startServer(t, cfg, silent{})
	addr := v4Addr(t, s)
	first := dialRaw(t, "tcp", addr)
	dialRaw(t, "tcp", addr)
	col.waitCount(2, "two accepts", is(FromServer, Accepted))

	third := dialRaw(t, "tcp", addr)
	refused := col.waitCount(1, "refused", is(FromServer, Refused))[0]
	if refused.Reason != ByLimit || refused.Remote.String() != third.LocalAddr().String() {
		t.Fatalf("refused reason %v remote %v, want limit for %v", refused.Reason, refused.Remote, third.LocalAddr())
	}
	// The turned-away client sees the connection end (EOF or reset), not silence.
	if got, _ := readToEnd(t, third); len(got) != 0 {
		t.Fatalf("refused client read %q", got)
	}
	if tot := s.Totals(); tot.Accepted != 2 || tot.Open != 2 || tot.Refused != 1 {
		t.Fatalf("totals %+v, want 2 accepted, 2 open, 1 refused", tot)
	}

	// Once a connection has closed, its slot is free at once.
	_ = first.Close()
	col.waitCount(1, "closed", is(FromServer, Closed))
	dialRaw(t, "tcp", addr)
	col.waitCount(3, "accept after a close", is(FromServer, Accepted))
	if tot := s.Totals(); tot.Accepted != 3 || tot.Open != 2 || tot.Refused != 1 {
		t.Fatalf("totals %+v, want 3 accepted, 2 open, 1 refused", tot)
	}
}

func TestCaptureCapKeepsCountsExact(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.CaptureCap = 10
	s, col := startServer(t, cfg, silent{})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	payload := bytes.Repeat([]byte("0123456789"), 10)
	for i := 0; i < len(payload); i += 25 {
		if _, err := c.Write(payload[i : i+25]); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]

	var kept []byte
	count := 0
	for _, e := range filter(col.events, is(FromServer, Recv)) {
		kept = append(kept, e.Data...)
		count += e.Count
		if len(e.Data) > e.Count {
			t.Fatalf("event keeps %d bytes of %d", len(e.Data), e.Count)
		}
	}
	if !bytes.Equal(kept, payload[:10]) || count != 100 {
		t.Fatalf("kept %q of %d bytes, want the first 10 of 100", kept, count)
	}
	if closed.In != 100 || s.Totals().BytesIn != 100 {
		t.Fatalf("closed.In %d, Totals().BytesIn %d, want 100", closed.In, s.Totals().BytesIn)
	}
}

func TestShutdownClosesEverythingPromptly(t *testing.T) {
	before := runtime.NumGoroutine()
	col := newCollector(t)
	s, err := Listen(defaultsAt("localhost:0"), silent{}, col.inbox)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) }) // no-op once shut down

	// Two idle readers, a ping-pong idle between reads, and an HTTP
	// connection lingering in its drain after the response.
	addr := v4Addr(t, s)
	idle := []net.Conn{dialRaw(t, "tcp", addr), dialRaw(t, "tcp", addr)}
	col.waitCount(2, "accepts", is(FromServer, Accepted))
	s.SetBehavior(pingPong{})
	pp := dialRaw(t, "tcp", addr)
	exchangePong(t, pp, "x")
	s.SetBehavior(hello{})
	web := dialRaw(t, "tcp", addr)
	if _, err := web.Write([]byte("GET / HTTP/1.1\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	col.waitCount(2, "HTTP response sent", is(FromServer, Sent))
	clients := append(idle, pp, web)

	// The HTTP connection would drain for 2 s on its own; Shutdown must not wait.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	start := time.Now()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v after %v", err, time.Since(start))
	}
	if took := time.Since(start); took >= 2*time.Second {
		t.Fatalf("Shutdown took %v", took)
	}

	closed := col.waitCount(4, "closed events", is(FromServer, Closed))
	for _, e := range closed {
		want := ByShutdown
		if e.Out == int64(len(helloResponse)) {
			want = BySelf // it had already finished and said so
		}
		if e.Reason != want {
			t.Errorf("conn %d closed %v, want %v", e.Conn, e.Reason, want)
		}
	}
	if tot := s.Totals(); tot.Open != 0 || tot.Accepted != 4 {
		t.Fatalf("totals after shutdown %+v", tot)
	}
	for _, c := range clients {
		_, _ = readToEnd(t, c) // ends: no client is left hanging
		_ = c.Close()
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.Close()
		t.Fatal("still accepting after Shutdown")
	}
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}

	// Every goroutine the server started has ended.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPortInUse(t *testing.T) {
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), silent{})
	p := s.Port()
	inbox := NewInbox(10)
	for _, addr := range []string{"127.0.0.1:" + strconv.Itoa(p), "localhost:" + strconv.Itoa(p)} {
		_, err := Listen(defaultsAt(addr), silent{}, inbox)
		var pe *PortInUseError
		if !errors.As(err, &pe) {
			t.Fatalf("Listen(%s) = %v, want *PortInUseError", addr, err)
		}
		if pe.Port != p || !strings.Contains(err.Error(), strconv.Itoa(p)) {
			t.Fatalf("error %q does not name port %d", err, p)
		}
	}
	// Another program holding only ::1 also makes "localhost" busy.
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		defer l.Close()
		p6 := port(l.Addr())
		_, err := Listen(Config{Addr: "localhost:" + strconv.Itoa(p6)}, silent{}, inbox)
		var pe *PortInUseError
		if !errors.As(err, &pe) || pe.Port != p6 {
			t.Fatalf("Listen with ::1 taken = %v, want *PortInUseError for %d", err, p6)
		}
		// The 127.0.0.1 half was given back.
		if l4, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(p6)); err == nil {
			_ = l4.Close()
		} else if !errors.Is(err, syscall.EADDRINUSE) {
			t.Fatalf("relisten: %v", err)
		}
	}
	if n := inbox.Len(); n != 0 {
		t.Fatalf("failed Listen reported %d events", n)
	}
}

func TestListenRejectsBadAddress(t *testing.T) {
	for _, addr := range []string{"no-port", "127.0.0.1:http-ish", "127.0.0.1:70000", "127.0.0.1:-1"} {
		s, err := Listen(defaultsAt(addr), silent{}, NewInbox(1))
		var pe *PortInUseError
		if err == nil || errors.As(err, &pe) {
			if s != nil {
				_ = s.Shutdown(context.Background())
			}
			t.Fatalf("Listen(%q) = %v, want a plain address error", addr, err)
		}
	}
}

// panicky stands for a learner's broken server program.
type panicky struct{}

func (panicky) Name() string { return "panicky" }

func (panicky) Serve(c *Conn) {
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return
	}
	if string(buf[:n]) == "panic" {
		panic("learner bug")
	}
	_, _ = c.Write([]byte("ok"))
}

func TestBehaviorPanicIsRecovered(t *testing.T) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), panicky{})
	addr := v4Addr(t, s)
	bad := dialRaw(t, "tcp", addr)
	if _, err := bad.Write([]byte("panic")); err != nil {
		t.Fatal(err)
	}
	errEv := col.waitCount(1, "error event", is(FromServer, Error))[0]
	if !strings.Contains(errEv.Text, "panicky panicked: learner bug") {
		t.Fatalf("error text %q", errEv.Text)
	}
	closed := col.waitCount(1, "closed", is(FromServer, Closed))[0]
	if closed.Reason != ByError || closed.Conn != errEv.Conn {
		t.Fatalf("closed conn %d reason %v, want conn %d error", closed.Conn, closed.Reason, errEv.Conn)
	}
	_, _ = readToEnd(t, bad)

	// The server carries on.
	good := dialRaw(t, "tcp", addr)
	if _, err := good.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	if got, err := readToEnd(t, good); err != nil || string(got) != "ok" {
		t.Fatalf("after a panic: got %q, %v", got, err)
	}
	if tot := s.Totals(); tot.Accepted != 2 {
		t.Fatalf("totals %+v", tot)
	}
}
