package netcore

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// The presenter holds the next reply: the client waits, the room sees why,
// and the reply goes out whole when released.
func TestHoldNextReply(t *testing.T) {
	srv, col := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{Idle: 5 * time.Second})
	srv.HoldNextReply()
	if armed, conn := srv.Holding(); !armed || conn != 0 {
		t.Fatalf("armed %v conn %d", armed, conn)
	}
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = c.Write([]byte("ping"))
	note := col.waitCount(1, "the held note", is(FromServer, Note))[0]
	if !strings.Contains(note.Text, "reply held on #1") {
		t.Fatalf("note %q", note.Text)
	}
	if _, conn := srv.Holding(); conn != 1 {
		t.Fatalf("holding conn %d, want 1", conn)
	}
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := c.Read(make([]byte, 64)); n != 0 {
		t.Fatal("the reply went out while held")
	}
	srv.ReleaseReply()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(pongReply))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, pongReply) {
		t.Fatalf("after release: %q %v", got, err)
	}
	if armed, _ := srv.Holding(); armed {
		t.Fatal("a hold is for one reply only")
	}
}

// Shutdown does not wait on a held reply.
func TestHeldReplyEndsWithShutdown(t *testing.T) {
	col := newCollector(t)
	srv, err := Listen(defaultsAt("127.0.0.1:0"), pingPong{}, col.inbox)
	if err != nil {
		t.Fatal(err)
	}
	srv.HoldNextReply()
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = c.Write([]byte("ping"))
	col.waitCount(1, "held", is(FromServer, Note))
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(t.Context()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("shutdown waited on a held reply")
	}
}

// Slow motion sends a reply a few bytes at a time, each piece an event,
// and the bytes arrive whole and in order.
func TestSlowMotion(t *testing.T) {
	srv, col := startServer(t, defaultsAt("127.0.0.1:0"), hello{})
	srv.SetSlowMotion(true)
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	got, _ := readToEnd(t, c)
	if !bytes.Equal(got, helloResponse) {
		t.Fatalf("slow reply arrived as %q", got)
	}
	pieces := (len(helloResponse) + slowPiece - 1) / slowPiece
	if took := time.Since(start); took < time.Duration(pieces-1)*slowPause {
		t.Errorf("%d pieces took only %s", pieces, took)
	}
	sent := col.waitCount(pieces, "every piece", is(FromServer, Sent))
	var offset int64
	for _, e := range sent {
		if e.Count > slowPiece || e.Offset != offset {
			t.Fatalf("piece at %d of %d bytes, expected offset %d", e.Offset, e.Count, offset)
		}
		offset += int64(e.Count)
	}
}

// All connections together hold at most CaptureTotal bytes waiting in the
// inbox; the counts stay exact, and a drain gives the budget back.
func TestCaptureTotal(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.CaptureTotal = 100
	cfg.CaptureCap = 80
	srv, col := startServer(t, cfg, silent{Idle: 5 * time.Second})
	send := func(n int) {
		for i := 0; i < n; i++ {
			c := dialRaw(t, "tcp", v4Addr(t, srv))
			_, _ = c.Write(bytes.Repeat([]byte("x"), 60))
		}
	}
	kept := func(es []Event) (kept, counted int) {
		for _, e := range es {
			kept += len(e.Data)
			counted += e.Count
		}
		return kept, counted
	}
	send(3)
	deadline := time.Now().Add(waitLimit)
	for srv.Totals().BytesIn < 180 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // no drain: all three wait in the inbox
	}
	recv := filter(col.inbox.Drain(), is(FromServer, Recv))
	if k, c := kept(recv); k != 100 || c != 180 || srv.Totals().BytesIn != 180 {
		t.Fatalf("kept %d of %d (totals %d), want 100 of 180", k, c, srv.Totals().BytesIn)
	}
	send(1)
	recv = col.waitCount(1, "the read after the drain", is(FromServer, Recv))
	if k, _ := kept(recv); k != 60 {
		t.Fatalf("after a drain kept %d of 60", k)
	}
}
