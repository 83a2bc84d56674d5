package room

import (
	"io"
	"log"
	"net"
	"sync"
)

// limitListener holds at most cap(slots) connections open: Accept waits
// for a slot, so a crowd queues in the kernel instead of in our memory.
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  <-chan struct{} // closed when the room stops
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, release: func() { <-l.slots }}, nil
}

type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// quietLog keeps net/http's own complaints (a client that hung up, a bad
// request line) off the teacher's terminal, where the TUI draws.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
