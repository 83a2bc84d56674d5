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

	idle     atomic.Int64 // time.Duration; 0 means no idle timeout
	capLeft  atomic.Int64 // bytes still to be captured for display
	in, out  atomic.Int64
	reason   atomic.Uint32 // first CloseReason seen
	closing  atomic.Bool   // Close or shutdown has begun
	shutdown atomic.Bool
	once     sync.Once
	counters *Counters
}

func newConn(id uint64, raw net.Conn, src Source, sink Sink, capture int, counters *Counters) *Conn {
	c := &Conn{id: id, raw: raw, sink: sink, source: src, start: time.Now(), counters: counters}
	c.capLeft.Store(int64(capture))
	return c
}

// ID is the connection's number within its source.
func (c *Conn) ID() uint64 { return c.id }

// LocalAddr and RemoteAddr are the two ends of the connection.
func (c *Conn) LocalAddr() net.Addr  { return c.raw.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

// SetIdle sets how long a read may wait for bytes before the connection is
// given up as idle. Zero waits forever.
func (c *Conn) SetIdle(d time.Duration) { c.idle.Store(int64(d)) }

// Idle is the current idle timeout.
func (c *Conn) Idle() time.Duration { return time.Duration(c.idle.Load()) }

// Read reads from the connection and reports what arrived.
func (c *Conn) Read(p []byte) (int, error) {
	if d := c.Idle(); d > 0 {
		_ = c.raw.SetReadDeadline(time.Now().Add(d))
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
// stalled client cannot hold a connection slot forever.
func (c *Conn) Write(p []byte) (int, error) {
	if d := c.Idle(); d > 0 {
		_ = c.raw.SetWriteDeadline(time.Now().Add(d))
	}
	n, err := c.raw.Write(p)
	if n > 0 {
		off := c.out.Add(int64(n)) - int64(n)
		if c.counters != nil {
			c.counters.BytesOut.Add(int64(n))
		}
		c.emitData(Sent, p[:n], off)
	}
	if err != nil {
		c.noteErr(err)
	}
	return n, err
}

// CloseWrite sends FIN: this side will write no more, but can still read.
func (c *Conn) CloseWrite() error {
	c.setReason(BySelf)
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// DrainFor reads and reports whatever the peer still sends, until it closes
// or d passes. Closing a socket with unread bytes makes the kernel send a
// reset, which can destroy a response the peer has not read yet.
func (c *Conn) DrainFor(d time.Duration) {
	_ = c.raw.SetReadDeadline(time.Now().Add(d))
	c.SetIdle(0)
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
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
		if e.Reason == ByIdle {
			e.Idle = c.Idle()
		}
		c.sink.Push(e)
	})
	return err
}

// abort closes the socket under a running behavior so that its blocked read
// returns; the behavior's goroutine then reports the close.
func (c *Conn) abort(reason CloseReason) {
	c.setReason(reason)
	c.shutdown.Store(true)
	_ = c.raw.Close()
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
		c.setReason(ByIdle)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		c.setReason(ByReset)
	case errors.Is(err, net.ErrClosed) && c.closing.Load():
		// our own Close; the reason is already set
	default:
		if c.reason.Load() == uint32(NotClosed) {
			e := c.base(Error)
			e.Text = err.Error()
			c.sink.Push(e)
		}
		c.setReason(ByError)
	}
}

func (c *Conn) emitData(k Kind, p []byte, off int64) {
	e := c.base(k)
	e.Count = len(p)
	e.Offset = off
	// Reads and writes may run on different goroutines: claim the capture
	// budget atomically so together they never keep more than the cap.
	for left := c.capLeft.Load(); left > 0; left = c.capLeft.Load() {
		keep := min(int64(len(p)), left)
		if c.capLeft.CompareAndSwap(left, left-keep) {
			e.Data = append([]byte(nil), p[:keep]...)
			break
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
