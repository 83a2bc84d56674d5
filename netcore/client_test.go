package netcore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func newTestClient(t *testing.T) (*Client, *collector) {
	col := newCollector(t)
	cl := NewClient(col.inbox)
	t.Cleanup(cl.CloseAll)
	return cl, col
}

func dialClient(t *testing.T, cl *Client, addr string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c, err := cl.Dial(ctx, addr)
	if err != nil {
		t.Fatalf("Dial %s: %v", addr, err)
	}
	_ = c.raw.SetDeadline(time.Now().Add(waitLimit))
	return c
}

func TestClientTalksToServer(t *testing.T) {
	s, scol := startServer(t, defaultsAt("127.0.0.1:0"), hello{})
	cl, col := newTestClient(t)
	c := dialClient(t, cl, v4Addr(t, s))

	conn := col.waitCount(1, "connected", is(FromClient, Connected))[0]
	local, remote := port(conn.Local), port(conn.Remote)
	if local == 0 || local == s.Port() || remote != s.Port() {
		t.Fatalf("connected local port %d remote port %d, server port %d", local, remote, s.Port())
	}
	if conn.Conn != c.ID() || conn.Local.String() != c.LocalAddr().String() {
		t.Fatalf("event conn %d local %v, Conn says %d %v", conn.Conn, conn.Local, c.ID(), c.LocalAddr())
	}

	const req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, helloResponse) {
		t.Fatalf("client read %q, %v", got, err)
	}
	cl.Release(c)

	// The server closed first, and the client's record says so.
	closed := col.waitCount(1, "client closed", is(FromClient, Closed))[0]
	if closed.Reason != ByPeer || CloseWording(closed) != "by server" {
		t.Fatalf("client closed %v (%q), want by peer", closed.Reason, CloseWording(closed))
	}
	if closed.In != int64(len(helloResponse)) || closed.Out != int64(len(req)) {
		t.Fatalf("client totals in %d out %d", closed.In, closed.Out)
	}
	in := 0
	for _, e := range filter(col.events, is(FromClient, Recv)) {
		in += e.Count
	}
	if in != len(helloResponse) {
		t.Fatalf("client recv events count %d bytes", in)
	}
	if srv := scol.waitCount(1, "server closed", is(FromServer, Closed))[0]; srv.Reason != BySelf {
		t.Fatalf("server closed %v, want self", srv.Reason)
	}
}

func TestClientDialRefused(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now

	cl, col := newTestClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c, err := cl.Dial(ctx, addr)
	if err == nil {
		cl.Release(c)
		t.Fatalf("Dial to closed port %s succeeded", addr)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial error %v, want connection refused", err)
	}
	ev := col.waitCount(1, "refused", is(FromClient, Refused))[0]
	if ev.Text != "srv.dial.refused "+addr || ev.Conn == 0 {
		t.Fatalf("refused event conn %d text %q, want the key and the address (no words given)", ev.Conn, ev.Text)
	}
	// With the course's words the event says it in the learner's language.
	for i, lang := range []string{"en", "ko"} {
		cl.Words = courseWords(lang)
		if _, err := cl.Dial(ctx, addr); err == nil {
			t.Fatal("the second dial succeeded")
		}
		ev = col.waitCount(i+2, "refused again", is(FromClient, Refused))[i+1]
		if want := (Phrase{"srv.dial.refused", []any{addr}}).Say(cl.Words); ev.Text != want || strings.HasPrefix(ev.Text, "srv.") {
			t.Errorf("%s: refused event %q, want %q", lang, ev.Text, want)
		}
	}
}

// The common dial failures get words of their own; anything else shows
// the error after a phrase. A deadline already past is a real timeout.
func TestDialPhrases(t *testing.T) {
	addr := "127.0.0.1:9"
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{opErr(syscall.ECONNREFUSED), "srv.dial.refused"},
		{opErr(syscall.ECONNRESET), "srv.dial.reset"},
		{opErr(syscall.EPIPE), "srv.dial.pipe"},
		{opErr(syscall.EHOSTUNREACH), "srv.dial.noroute"},
		{opErr(syscall.ENETUNREACH), "srv.dial.noroute"},
		{context.Canceled, "srv.dial.canceled"},
		{errors.New("something new"), "srv.dial.other"},
	} {
		if got := DialPhrase(addr, tc.err); got.Key != tc.want {
			t.Errorf("%v: %s, want %s", tc.err, got.Key, tc.want)
		}
	}
	if got := DialPhrase(addr, errors.New("odd")).Say(nil); got != "srv.dial.other 127.0.0.1:9 odd" {
		t.Errorf("another error says %q", got)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if got := DialPhrase(addr, err); err == nil || got.Key != "srv.dial.timeout" {
		t.Errorf("a dial past its deadline (%v): %s", err, got.Key)
	}
}

func TestClientCloseAllReportsShutdown(t *testing.T) {
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), silent{})
	cl, col := newTestClient(t)
	dialClient(t, cl, v4Addr(t, s))
	dialClient(t, cl, v4Addr(t, s))
	cl.CloseAll()
	for _, e := range col.waitCount(2, "closed", is(FromClient, Closed)) {
		if e.Reason != ByShutdown {
			t.Fatalf("conn %d closed %v, want shutdown", e.Conn, e.Reason)
		}
	}
}

// A client reading and writing on two goroutines must still keep at most
// the capture cap across both directions.
func TestCaptureCapHoldsUnderConcurrentReadWrite(t *testing.T) {
	const capture, writes = 50, 300
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{})
	cl, col := newTestClient(t)
	cl.captureCap = capture
	c := dialClient(t, cl, v4Addr(t, s))

	writeErr := make(chan error, 1)
	go func() {
		for range writes {
			if _, err := c.Write([]byte("x")); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- c.CloseWrite() // server's read ends, so it closes
	}()
	read, err := io.Copy(io.Discard, c)
	if err != nil {
		t.Fatalf("reading replies: %v", err)
	}
	if err := <-writeErr; err != nil {
		t.Fatalf("writing: %v", err)
	}
	cl.Release(c)
	col.waitCount(1, "closed", is(FromClient, Closed))

	kept, counted := 0, 0
	for _, e := range col.events {
		if e.Kind == Recv || e.Kind == Sent {
			kept += len(e.Data)
			counted += e.Count
		}
	}
	if kept != capture || counted != writes+int(read) {
		t.Fatalf("kept %d (want %d), counted %d (want %d)", kept, capture, counted, writes+int(read))
	}
}

// Two goroutines reporting data at the very end of a Conn's capture budget
// must not both take it. Many fresh Conns make the race window likely.
func TestCaptureBudgetIsExactUnderContention(t *testing.T) {
	const trials = 3000
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), silent{})
	raw := dialRaw(t, "tcp", v4Addr(t, s))
	sink := NewInbox(2 * trials)
	deadline := time.Now().Add(waitLimit)
	for i := range trials {
		if time.Now().After(deadline) {
			t.Fatalf("only %d trials ran in %v", i, waitLimit)
		}
		c := newConn(uint64(i+1), raw, FromClient, sink, 3, nil)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c.emitData(Recv, []byte("abc"), 0)
			}()
		}
		close(start)
		wg.Wait()
		if left := c.capLeft.Load(); left != 0 {
			t.Fatalf("trial %d: capture budget left %d, want 0", i, left)
		}
	}
	kept := 0
	for _, e := range sink.Drain() {
		kept += len(e.Data)
	}
	if kept != 3*trials {
		t.Fatalf("kept %d bytes over %d conns with a 3-byte cap, want %d", kept, trials, 3*trials)
	}
}
