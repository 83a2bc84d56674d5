package netcore

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Client is the app's own instrumented client. Its connections report
// events with Source FromClient, including the local ephemeral port.
type Client struct {
	// Words are what its events are said in (see Config.Words); set it
	// before the first Dial. Nil: keys and values.
	Words map[string]string

	sink       Sink
	captureCap int
	ids        atomic.Uint64

	mu    sync.Mutex
	conns map[*Conn]struct{}
}

// NewClient makes a client that reports to sink.
func NewClient(sink Sink) *Client {
	return &Client{sink: sink, captureCap: DefaultCaptureCap, conns: map[*Conn]struct{}{}}
}

// Dial connects to addr. A refused or failed dial is reported as an event
// and returned as a *DialError.
func (cl *Client) Dial(ctx context.Context, addr string) (*Conn, error) {
	id := cl.ids.Add(1)
	d := net.Dialer{Timeout: 5 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		kind := Error
		if errors.Is(err, syscall.ECONNREFUSED) {
			kind = Refused
		}
		cl.sink.Push(Event{Time: time.Now(), Conn: id, Source: FromClient, Kind: kind, Text: DialPhrase(addr, err).Say(cl.Words)})
		return nil, &DialError{Addr: addr, Err: err}
	}
	c := newConn(id, raw, FromClient, cl.sink, cl.captureCap, nil)
	c.words = cl.Words
	cl.mu.Lock()
	cl.conns[c] = struct{}{}
	cl.mu.Unlock()
	cl.sink.Push(c.base(Connected))
	return c, nil
}

// Release closes c and forgets it.
func (cl *Client) Release(c *Conn) {
	_ = c.Close()
	cl.mu.Lock()
	delete(cl.conns, c)
	cl.mu.Unlock()
}

// CloseAll closes every connection the client still has open.
func (cl *Client) CloseAll() {
	cl.mu.Lock()
	conns := cl.conns
	cl.conns = map[*Conn]struct{}{}
	cl.mu.Unlock()
	for c := range conns {
		c.setReason(ByShutdown)
		_ = c.Close()
	}
}

// DialError is a connection Dial could not make. It unwraps to the
// dialer's error (errors.Is(err, syscall.ECONNREFUSED) still holds), and
// Phrase says it for a learner.
type DialError struct {
	Addr string
	Err  error
}

func (e *DialError) Error() string { return e.Err.Error() }
func (e *DialError) Unwrap() error { return e.Err }

// Phrase is why the dial failed, in words (see DialPhrase).
func (e *DialError) Phrase() Phrase { return DialPhrase(e.Addr, e.Err) }

// DialPhrase says why a connection to addr could not be made (keys
// srv.dial.*): the common failures in words of their own, any other with
// the error itself after a phrase. Like every event text, it is escaped
// where it is shown.
func DialPhrase(addr string, err error) Phrase {
	at := addr
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Phrase{"srv.dial.refused", []any{at}}
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return Phrase{"srv.dial.timeout", []any{at}}
	case errors.Is(err, syscall.ECONNRESET):
		return Phrase{"srv.dial.reset", []any{at}}
	case errors.Is(err, syscall.EPIPE):
		return Phrase{"srv.dial.pipe", []any{at}}
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return Phrase{"srv.dial.noroute", []any{at}}
	case errors.Is(err, context.Canceled):
		return Phrase{"srv.dial.canceled", []any{at}}
	}
	return Phrase{"srv.dial.other", []any{at, err.Error()}}
}
