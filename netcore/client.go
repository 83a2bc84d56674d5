package netcore

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Client is the app's own instrumented client. Its connections report
// events with Source FromClient, including the local ephemeral port.
type Client struct {
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
// and returned as an error.
func (cl *Client) Dial(ctx context.Context, addr string) (*Conn, error) {
	id := cl.ids.Add(1)
	d := net.Dialer{Timeout: 5 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		kind := Error
		if errors.Is(err, syscall.ECONNREFUSED) {
			kind = Refused
		}
		cl.sink.Push(Event{Time: time.Now(), Conn: id, Source: FromClient, Kind: kind, Text: err.Error()})
		return nil, err
	}
	c := newConn(id, raw, FromClient, cl.sink, cl.captureCap, nil)
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
