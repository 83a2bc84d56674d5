package netcore

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks here put numbers on the targets for the network
// core. Each runs both sides of a comparison in one run, interleaved in
// blocks, so a noisy shared machine slows both alike and the ratio holds.
// One op is one connection to each side; pick the count with -benchtime:
//
//	go test -run '^$' -bench 'HTTPConnPerRequest|ServerIgnoresUI' -benchtime 20000x ./netcore
//	go test -run '^$' -bench InboxPush -benchmem ./netcore

// benchRequest is what curl sends for GET /: the bytes each connection
// carries in.
var benchRequest = []byte("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n")

const (
	benchBlock   = 64 // connections per side before switching sides: small, so both sides see the same noise
	benchClients = 8  // concurrent clients, as a small class would be
)

// bareServer is the baseline: the plainest server that does what
// HTTPHello does on the wire. Read the request once, write the same bytes,
// FIN, then read until the client closes, so the close is as polite as
// ours.
func bareServer(tb testing.TB) (addr string, stop func()) {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
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
				buf := make([]byte, 4096)
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Read(buf); err != nil {
					return
				}
				if _, err := c.Write(helloResponse); err != nil {
					return
				}
				_ = c.(*net.TCPConn).CloseWrite()
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String(), func() { _ = l.Close(); wg.Wait() }
}

// uiDrainer empties the inbox the way the TUI does: it sleeps until the
// inbox wakes it, then drains every flush interval until a drain finds
// nothing. It returns how many events it took.
func uiDrainer(inbox *Inbox) (stop func() uint64) {
	done := make(chan struct{})
	var got atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(33 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-inbox.Wake():
			case <-done:
				return
			}
			for {
				select {
				case <-tick.C:
				case <-done:
					return
				}
				n := len(inbox.Drain())
				got.Add(uint64(n))
				if n == 0 {
					break
				}
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return got.Load() }
}

// tubesServer is the http-response lesson's server with capture on (the
// default cap) and an inbox of main's size.
func tubesServer(tb testing.TB, inbox *Inbox) (addr string, srv *Server) {
	tb.Helper()
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 4096
	srv, err := Listen(cfg, hello{Idle: 10 * time.Second}, inbox)
	if err != nil {
		tb.Fatal(err)
	}
	return srv.Addrs()[0].String(), srv
}

func shutdown(srv *Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// srcSeq spreads clients over 127.0.0.2–127.0.0.251. The server sends the
// first FIN, so its side keeps each closed connection in TIME_WAIT for a
// minute; with one source address thousands of connections a second soon
// reuse a port whose old connection the server still remembers, and that
// SYN stalls for a second. Many source addresses keep every 4-tuple fresh.
var (
	srcSeq  atomic.Uint32
	dialers = func() (ds [250]*net.Dialer) {
		for i := range ds {
			ds[i] = &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}}
		}
		return ds
	}()
)

func dialer() *net.Dialer { return dialers[srcSeq.Add(1)%uint32(len(dialers))] }

// oneRequest is one connection as curl makes it: connect, send the
// request, read the whole response until the server's FIN, close.
func oneRequest(addr string, buf []byte) error {
	c, err := dialer().Dial("tcp4", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(benchRequest); err != nil {
		return err
	}
	n := 0
	for {
		k, err := c.Read(buf[n:])
		n += k
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if n != len(helloResponse) {
		return errors.New("short response")
	}
	return nil
}

// side is one server under test and what it cost so far.
type side struct {
	name    string
	addr    string
	conns   int
	elapsed time.Duration
	mallocs uint64
	bytes   uint64
}

// runBlock makes n connections to s with benchClients clients at once and
// adds the time and heap allocations they took.
func (s *side) runBlock(b *testing.B, n int) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1024)
			for next.Add(1) <= int64(n) {
				if err := oneRequest(s.addr, buf); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s.elapsed += time.Since(start)
	runtime.ReadMemStats(&after)
	s.mallocs += after.Mallocs - before.Mallocs
	s.bytes += after.TotalAlloc - before.TotalAlloc
	s.conns += n
	if err, ok := failed.Load().(error); ok {
		b.Fatalf("%s: %v", s.name, err)
	}
}

// compare runs b.N connections against each side, alternating blocks and
// which side goes first, and reports each side's rate, and allocations and
// bytes allocated per connection (client and server together; the client
// is the same for both, so the difference is the server's), and a/b's
// rate ratio.
func compare(b *testing.B, a, base *side) {
	b.ReportAllocs()
	b.ResetTimer()
	for done, round := 0, 0; done < b.N; round++ {
		n := min(benchBlock, b.N-done)
		first, second := a, base
		if round%2 == 1 {
			first, second = base, a
		}
		first.runBlock(b, n)
		second.runBlock(b, n)
		done += n
	}
	b.StopTimer()
	for _, s := range []*side{a, base} {
		b.ReportMetric(float64(s.conns)/s.elapsed.Seconds(), s.name+"-conns/s")
		b.ReportMetric(float64(s.mallocs)/float64(s.conns), s.name+"-allocs/conn")
		b.ReportMetric(float64(s.bytes)/float64(s.conns), s.name+"-B/conn")
	}
	ra := float64(a.conns) / a.elapsed.Seconds()
	rb := float64(base.conns) / base.elapsed.Seconds()
	b.ReportMetric(ra/rb, "ratio")
}

// BenchmarkHTTPConnPerRequest: target 1. One connection per request to the
// http-response lesson's server (instrumented, capture on, inbox drained
// as the UI drains it) against a bare net.Listener loop sending the same
// bytes. Target: ratio ≥ 0.9.
func BenchmarkHTTPConnPerRequest(b *testing.B) {
	inbox := NewInbox(20000)
	stopDrain := uiDrainer(inbox)
	taddr, srv := tubesServer(b, inbox)
	baddr, stopBare := bareServer(b)
	defer stopBare()
	defer shutdown(srv)
	defer stopDrain()
	compare(b, &side{name: "tubes", addr: taddr}, &side{name: "bare", addr: baddr})
	b.ReportMetric(float64(inbox.Folded()), "folded")
}

// BenchmarkServerIgnoresUI: target 7. Two tubes servers, one whose inbox
// nobody drains (a paused or frozen UI) and one drained as the UI does.
// Push never blocks, so the rates match (ratio ≈ 1) while the stalled
// side's events fold.
func BenchmarkServerIgnoresUI(b *testing.B) {
	stalled := NewInbox(20000)
	saddr, ssrv := tubesServer(b, stalled)
	live := NewInbox(20000)
	stopDrain := uiDrainer(live)
	laddr, lsrv := tubesServer(b, live)
	defer shutdown(lsrv)
	defer shutdown(ssrv)
	defer stopDrain()
	// Fill the stalled inbox first: the steady state of a UI that stopped
	// draining is an inbox already full, and filling it (growing its buffer
	// to 20,000 events) is not the servers' cost.
	for stalled.Len() < 20000 {
		stalled.Push(Event{Kind: Note})
	}
	foldedBefore := stalled.Folded()
	compare(b, &side{name: "stalled", addr: saddr}, &side{name: "drained", addr: laddr})
	b.ReportMetric(float64(stalled.Folded()-foldedBefore), "stalled-folded")
	b.ReportMetric(float64(live.Folded()), "drained-folded")
	if t := ssrv.Totals(); t.Accepted != int64(b.N) {
		b.Fatalf("stalled server counted %d connections, want %d: totals must stay exact", t.Accepted, b.N)
	}
}

// BenchmarkInboxPush is the cost a network goroutine pays per event, with
// the inbox accepting and with it full (folding).
func BenchmarkInboxPush(b *testing.B) {
	e := Event{Kind: Recv, Conn: 1, Count: 78, Data: benchRequest}
	b.Run("accepting", func(b *testing.B) {
		q := NewInbox(1 << 16)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if i%(1<<15) == 0 { // drain as the UI would, before it folds
				q.Drain()
			}
			q.Push(e)
		}
	})
	b.Run("folding", func(b *testing.B) {
		q := NewInbox(1)
		q.Push(e)
		b.ReportAllocs()
		for b.Loop() {
			q.Push(e)
		}
	})
}
