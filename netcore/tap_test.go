package netcore

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"
)

// startTap puts a tap in front of target and returns its address.
func startTap(t *testing.T, target string) (string, *collector) {
	t.Helper()
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), Tap{Target: target})
	return v4Addr(t, s), col
}

// rawServer runs handle on every connection of a plain loopback listener.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				handle(c)
			}()
		}
	}()
	return l.Addr().String()
}

func TestTapRelaysBothWaysAndLabelsItsEvents(t *testing.T) {
	target, _ := startServer(t, defaultsAt("127.0.0.1:0"), hello{})
	tap, col := startTap(t, v4Addr(t, target))
	c := dialRaw(t, "tcp", tap)
	req := "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.5.0\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	got, _ := readToEnd(t, c)
	if !bytes.Equal(got, helloResponse) {
		t.Fatalf("through the tap: %q", got)
	}
	c.Close() // like curl: done reading, it closes; the tap then closes both sides
	col.waitCount(1, "tap closed", is(FromTap, Closed))
	recv := filter(col.events, is(FromTap, Recv))
	sent := filter(col.events, is(FromTap, Sent))
	if len(recv) != 1 || string(recv[0].Data) != req || len(sent) != 1 || !bytes.Equal(sent[0].Data, helloResponse) {
		t.Fatalf("the tap should report the request as recv and the response as sent:\n%s", dumpEvents(col.events))
	}
	if closed := filter(col.events, is(FromTap, Closed))[0]; closed.Reason != BySelf {
		t.Errorf("the server closed first: want BySelf, got %s", closed.Reason)
	}
}

func TestTapManyConnectionsAtOnce(t *testing.T) {
	// 50 at once from one address: a load test lifts the per-address limits.
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConnsPerIP, cfg.ConnRatePerIP = 0, 0
	target, _ := startServer(t, cfg, pingPong{Idle: 5 * time.Second})
	s, _ := startServer(t, cfg, Tap{Target: v4Addr(t, target)})
	tap := v4Addr(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", tap, 2*time.Second)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, len(pongReply))
			if _, err := c.Write([]byte("ping")); err != nil {
				errs <- err
			} else if _, err := io.ReadFull(c, buf); err != nil || !bytes.Equal(buf, pongReply) {
				errs <- errors.Join(err, errors.New("wrong pong: "+string(buf)))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A 50 MB upload streams through: the tap keeps only its capture cap and
// two fixed buffers, never the body.
func TestTapStreamsALargeBodyInBoundedMemory(t *testing.T) {
	const size = 50 << 20
	counted := make(chan int64, 1)
	target := rawServer(t, func(c net.Conn) {
		n, _ := io.Copy(io.Discard, c)
		_, _ = c.Write([]byte("ok"))
		counted <- n
	})
	tap, col := startTap(t, target)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	c, err := net.DialTimeout("tcp", tap, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	for sent := 0; sent < size; sent += len(chunk) {
		if _, err := c.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.(*net.TCPConn).CloseWrite() // half-close: the answer still comes back
	reply, err := io.ReadAll(c)
	if err != nil || string(reply) != "ok" {
		t.Fatalf("reply after half-close: %q %v", reply, err)
	}
	if n := <-counted; n != size {
		t.Fatalf("target got %d bytes, want %d", n, size)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 16<<20 {
		t.Errorf("heap grew by %d MiB relaying 50 MiB", grew>>20)
	}
	closed := col.waitCount(1, "closed", is(FromTap, Closed))[0]
	if closed.In != size {
		t.Errorf("exact totals beyond the capture cap: in=%d, want %d", closed.In, size)
	}
	var kept int
	for _, e := range filter(col.events, is(FromTap, Recv)) {
		kept += len(e.Data)
	}
	if kept > DefaultCaptureCap {
		t.Errorf("captured %d bytes, cap is %d", kept, DefaultCaptureCap)
	}
}

// The server may finish its side first and still read what the client
// sends after: the tap passes the FIN on and keeps relaying.
func TestTapServerHalfClose(t *testing.T) {
	target := rawServer(t, func(c net.Conn) {
		_, _ = c.Write([]byte("early"))
		_ = c.(*net.TCPConn).CloseWrite()
		rest, _ := io.ReadAll(c)
		_ = rest
		if string(rest) != "late" {
			panic("target got " + string(rest))
		}
	})
	tap, _ := startTap(t, target)
	c := dialRaw(t, "tcp", tap)
	got, err := io.ReadAll(c) // ends at the server's FIN, passed on by the tap
	if err != nil || string(got) != "early" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := c.Write([]byte("late")); err != nil {
		t.Fatalf("the client can still send after the server's FIN: %v", err)
	}
	_ = c.(*net.TCPConn).CloseWrite()
	time.Sleep(100 * time.Millisecond)
}

// A target that is down, or dies mid-stream: each client gets a clear
// event and the tap keeps serving the next one.
func TestTapTargetDownAndDyingMidStream(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	down := l.Addr().String()
	l.Close()
	tap, col := startTap(t, down)
	c := dialRaw(t, "tcp", tap)
	if got, _ := io.ReadAll(c); len(got) != 0 {
		t.Fatalf("nothing should come back, got %q", got)
	}
	refused := col.waitCount(1, "a refused event", is(FromTap, Refused))[0]
	if n := bytes.Count([]byte(refused.Text), []byte(down)); n != 1 {
		t.Errorf("the event should name the target once, not %d times: %q", n, refused.Text)
	}

	dying := rawServer(t, func(c net.Conn) {
		buf := make([]byte, 1<<20)
		_, _ = io.ReadFull(c, buf)
		_ = c.(*net.TCPConn).SetLinger(0) // reset, mid-upload
	})
	tap2, col2 := startTap(t, dying)
	c2 := dialRaw(t, "tcp", tap2)
	chunk := make([]byte, 64<<10)
	var werr error
	for i := 0; i < 200 && werr == nil; i++ { // up to 12.5 MiB; the target dies after 1
		_, werr = c2.Write(chunk)
	}
	if werr == nil {
		if _, err := io.ReadAll(c2); err == nil {
			// A clean EOF is acceptable too: the client learns the stream ended.
			t.Log("client saw EOF")
		}
	}
	col2.waitCount(1, "the tap closes the client's side", is(FromTap, Closed))
	// The tap is still up for the next client.
	c3 := dialRaw(t, "tcp", tap2)
	if _, err := c3.Write([]byte("x")); err != nil {
		t.Fatalf("tap stopped serving: %v", err)
	}
}
