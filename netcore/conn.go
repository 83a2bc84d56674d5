package netcore

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Conn is one instrumented TCP connection. Every read and write becomes an
// event; closing it reports who closed it and the totals.
type Conn struct {
	id     uint64
	raw    net.Conn
	sink   Sink
	source Source
	start  time.Time

	idle     atomic.Int64  // time.Duration in force; 0 means no idle timeout
	idleCap  time.Duration // the server's IdleTimeout; 0: no cap
	drainBy  atomic.Int64  // unix nanos by which DrainFor stops reading; 0: none
	headerBy atomic.Int64  // unix nanos by which a request header must be in; 0: none
	headerD  atomic.Int64  // the header timeout, for the close event
	capLeft  atomic.Int64  // bytes still to be captured for display
	in, out  atomic.Int64
	reason   atomic.Uint32 // first CloseReason seen
	closing  atomic.Bool   // Close or shutdown has begun
	shutdown atomic.Bool
	once     sync.Once
	counters *Counters
	aborted  chan struct{}     // closed when the server shuts the connection down
	shared   *shared           // the server's settings and presenter controls; nil for the client
	words    map[string]string // what notes and refusals are said in (Config.Words)
}

func newConn(id uint64, raw net.Conn, src Source, sink Sink, capture int, counters *Counters) *Conn {
	c := &Conn{id: id, raw: raw, sink: sink, source: src, start: time.Now(), counters: counters, aborted: make(chan struct{})}
	c.capLeft.Store(int64(capture))
	return c
}

// ID is the connection's number within its source.
func (c *Conn) ID() uint64 { return c.id }

// LocalAddr and RemoteAddr are the two ends of the connection.
func (c *Conn) LocalAddr() net.Addr  { return c.raw.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

// SetIdle sets how long a read or write may wait before the connection is
// given up as idle. This is the one place the idle rule lives: the
// server's IdleTimeout caps every connection, so a longer d is clamped to
// it, and zero (no time of one's own) means the server's. With no cap
// (the app's own client, or IdleTimeout 0), zero waits forever.
func (c *Conn) SetIdle(d time.Duration) {
	if c.idleCap > 0 && (d <= 0 || d > c.idleCap) {
		d = c.idleCap
	}
	c.idle.Store(int64(max(d, 0)))
}

// Idle is the current idle timeout.
func (c *Conn) Idle() time.Duration { return time.Duration(c.idle.Load()) }

// SetHeaderTimeout starts a clock: the whole request header must arrive
// within d, however slowly its bytes trickle in. Unlike the idle timeout it
// is not reset by each byte, which is what stops a slowloris client.
func (c *Conn) SetHeaderTimeout(d time.Duration) {
	c.headerD.Store(int64(d))
	c.headerBy.Store(time.Now().Add(d).UnixNano())
}

// HeaderDone stops the header clock once a header has arrived.
func (c *Conn) HeaderDone() { c.headerBy.Store(0) }

// Read reads from the connection and reports what arrived.
func (c *Conn) Read(p []byte) (int, error) {
	var deadline time.Time
	if d := c.Idle(); d > 0 {
		deadline = time.Now().Add(d)
	}
	for _, by := range [...]int64{c.headerBy.Load(), c.drainBy.Load()} {
		if by != 0 && (deadline.IsZero() || by < deadline.UnixNano()) {
			deadline = time.Unix(0, by)
		}
	}
	if !deadline.IsZero() {
		_ = c.raw.SetReadDeadline(deadline)
	}
	n, err := c.raw.Read(p)
	if n > 0 {
		off := c.in.Add(int64(n)) - int64(n)
		if c.counters != nil {
			c.counters.BytesIn.Add(int64(n))
		}
		c.emitData(Recv, p[:n], off)
	}
	if err != nil {
		c.noteErr(err)
	}
	return n, err
}

// Write writes p and reports what was sent. A peer that stops reading
// fills the socket buffers; the idle timeout bounds that wait too, so a
// stalled client cannot hold a connection slot forever. The presenter's
// controls act here: a held reply waits, and slow motion sends a few bytes
// at a time.
func (c *Conn) Write(p []byte) (int, error) {
	if c.shared != nil {
		if err := c.shared.hold(c); err != nil {
			return 0, err
		}
		if c.shared.slow.Load() {
			return c.writeSlowly(p)
		}
	}
	return c.write(p)
}

func (c *Conn) write(p []byte) (int, error) {
	if d := c.Idle(); d > 0 {
		_ = c.raw.SetWriteDeadline(time.Now().Add(d))
	}
	// The write is stamped before it starts: the peer's read of these
	// bytes can return, and be reported, before this Write does. The sink
	// is told a write is under way, so it can hold back what comes after.
	start := time.Now()
	done := beginWrite(c.sink, start)
	n, err := c.raw.Write(p)
	if n > 0 {
		off := c.out.Add(int64(n)) - int64(n)
		if c.counters != nil {
			c.counters.BytesOut.Add(int64(n))
		}
		c.emitDataAt(Sent, p[:n], off, start)
	}
	done()
	if err != nil {
		c.noteErr(err)
	}
	return n, err
}

// notIdle pushes a waiting read's idle deadline forward: for the tap, bytes
// flowing the other way mean the connection is in use.
func (c *Conn) notIdle() {
	if d := c.Idle(); d > 0 {
		_ = c.raw.SetReadDeadline(time.Now().Add(d))
	}
}

// CloseWrite sends FIN: this side will write no more, but can still read.
func (c *Conn) CloseWrite() error {
	c.setReason(BySelf)
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		err := cw.CloseWrite()
		if errors.Is(err, syscall.ENOTCONN) {
			// The peer reset the connection already (it had closed for
			// good and our bytes met a closed socket).
			c.peerReset()
		}
		return err
	}
	return nil
}

// DrainFor reads and reports whatever the peer still sends, until it closes
// or d passes. Closing a socket with unread bytes makes the kernel send a
// reset, which can destroy a response the peer has not read yet.
func (c *Conn) DrainFor(d time.Duration) {
	c.drainBy.Store(time.Now().Add(d).UnixNano())
	buf := drainBufs.Get().(*[]byte)
	defer drainBufs.Put(buf)
	for {
		if _, err := c.Read(*buf); err != nil {
			return
		}
	}
}

// drainBufs are DrainFor's read buffers. Nearly every HTTP connection ends
// in DrainFor, and it usually reads only the peer's EOF: reusing buffers
// saves a 4 KiB allocation per connection. Events copy what they keep, so
// a buffer holds nothing once DrainFor returns.
var drainBufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// discardFor reads and drops what the peer still sends, without events,
// until it closes or d passes.
func (c *Conn) discardFor(d time.Duration) {
	_ = c.raw.SetReadDeadline(time.Now().Add(d))
	_, _ = io.Copy(io.Discard, c.raw)
}

// Close closes the connection once and reports the reason and totals.
func (c *Conn) Close() error {
	var err error
	c.once.Do(func() {
		c.closing.Store(true)
		c.setReason(BySelf)
		err = c.raw.Close()
		if c.counters != nil {
			c.counters.Open.Add(-1)
		}
		e := c.base(Closed)
		e.Reason = CloseReason(c.reason.Load())
		e.Duration = time.Since(c.start)
		e.In, e.Out = c.in.Load(), c.out.Load()
		switch e.Reason {
		case ByIdle:
			e.Idle = c.Idle()
		case ByHeaderTimeout:
			e.Idle = time.Duration(c.headerD.Load())
		}
		c.sink.Push(e)
	})
	return err
}

// Reset ends the connection with a reset (RST) instead of an orderly FIN:
// with SO_LINGER set to zero, close discards unsent data and resets.
func (c *Conn) Reset() error {
	c.setReason(ByAbort)
	if tc, ok := c.raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	return c.Close()
}

// abort closes the socket under a running behavior so that its blocked read
// returns; the behavior's goroutine then reports the close.
func (c *Conn) abort(reason CloseReason) {
	c.setReason(reason)
	if !c.shutdown.Swap(true) {
		close(c.aborted)
	}
	_ = c.raw.Close()
}

// Aborted is closed when the server shuts the connection down, so a
// behavior blocked on something other than this connection can stop too.
func (c *Conn) Aborted() <-chan struct{} { return c.aborted }

// IdleWasMine records a close by the idle clock as this side's own
// choice: for a behavior whose idle time is its plan (hang up after 3 s),
// not a timeout.
func (c *Conn) IdleWasMine() {
	c.reason.CompareAndSwap(uint32(ByIdle), uint32(BySelf))
}

// peerReset records a reset by the peer. A reset after the peer's FIN
// still ends in a reset: a peer that had closed for good (not half-closed)
// answers our bytes so.
func (c *Conn) peerReset() {
	if !c.reason.CompareAndSwap(uint32(ByPeer), uint32(ByReset)) {
		c.setReason(ByReset)
	}
}

func (c *Conn) setReason(r CloseReason) {
	c.reason.CompareAndSwap(uint32(NotClosed), uint32(r))
}

// noteErr records why the connection ended from the error a read or write
// returned.
func (c *Conn) noteErr(err error) {
	switch {
	case c.shutdown.Load():
		c.setReason(ByShutdown)
	case errors.Is(err, io.EOF):
		c.setReason(ByPeer)
	case errors.Is(err, os.ErrDeadlineExceeded):
		if by := c.headerBy.Load(); by != 0 && time.Now().UnixNano() >= by {
			c.setReason(ByHeaderTimeout)
		} else {
			c.setReason(ByIdle)
		}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		c.peerReset()
	case errors.Is(err, net.ErrClosed) && c.closing.Load():
		// our own Close; the reason is already set
	default:
		if c.reason.Load() == uint32(NotClosed) {
			e := c.base(Error)
			e.Text = Phrase{"srv.conn.error", []any{err.Error()}}.Say(c.words)
			c.sink.Push(e)
		}
		c.setReason(ByError)
	}
}

func (c *Conn) emitData(k Kind, p []byte, off int64) { c.emitDataAt(k, p, off, time.Now()) }

// emitDataAt reports a read or write that happened at t.
func (c *Conn) emitDataAt(k Kind, p []byte, off int64, t time.Time) {
	e := c.base(k)
	e.Time = t
	e.Count = len(p)
	e.Offset = off
	// Reads and writes may run on different goroutines: claim the capture
	// budget atomically so together they never keep more than the cap.
	show := 0
	for left := c.capLeft.Load(); left > 0; left = c.capLeft.Load() {
		keep := min(int64(len(p)), left)
		if c.capLeft.CompareAndSwap(left, left-keep) {
			show = int(keep)
			break
		}
	}
	head := 0
	if off < HeadBytes {
		head = int(min(int64(len(p)), HeadBytes-off))
	}
	if n := max(show, head); n > 0 {
		kept := append([]byte(nil), p[:n]...)
		e.Data, e.Head = kept[:show:show], kept[:head:head]
		if show == 0 {
			e.Data = nil
		}
		if head == 0 {
			e.Head = nil
		}
	}
	c.sink.Push(e)
}

func (c *Conn) base(k Kind) Event {
	return Event{Time: time.Now(), Conn: c.id, Source: c.source, Kind: k, Local: c.raw.LocalAddr(), Remote: c.raw.RemoteAddr()}
}

// Counters are exact totals, kept even when events are folded.
type Counters struct {
	Accepted atomic.Int64
	Open     atomic.Int64
	Refused  atomic.Int64
	BytesIn  atomic.Int64
	BytesOut atomic.Int64
}

// Totals is a snapshot of Counters.
type Totals struct {
	Accepted, Open, Refused, BytesIn, BytesOut int64
}

func (c *Counters) Snapshot() Totals {
	return Totals{c.Accepted.Load(), c.Open.Load(), c.Refused.Load(), c.BytesIn.Load(), c.BytesOut.Load()}
}
