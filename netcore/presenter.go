package netcore

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// shared is what every connection of one server sees of it: its HTTP
// limits and the presenter's controls (hold the next reply, slow motion).
type shared struct {
	headerTimeout time.Duration
	maxHeader     int
	sink          Sink
	listeners     []netip.AddrPort // set before the first accept, then read only

	slow atomic.Bool

	mu      sync.Mutex
	armed   bool          // the next reply is to be held
	heldBy  uint64        // the connection whose reply waits, 0 if none
	release chan struct{} // closed to let the held reply go
}

// Slow motion sends a reply in small pieces, with a pause between them,
// so a room can follow it byte by byte.
const (
	slowPiece = 6
	slowPause = 150 * time.Millisecond
)

// hold makes the first write after HoldNextReply wait for ReleaseReply.
func (s *shared) hold(c *Conn) error {
	s.mu.Lock()
	if !s.armed {
		s.mu.Unlock()
		return nil
	}
	s.armed, s.heldBy = false, c.id
	release := s.release
	s.mu.Unlock()
	e := c.base(Note)
	e.Text = fmt.Sprintf("reply held on #%d until the presenter lets it go", c.id)
	s.sink.Push(e)
	select {
	case <-release:
		return nil
	case <-c.Aborted():
		return errors.New("connection closed while its reply was held")
	}
}

// HoldNextReply makes the server's next write, on any connection, wait
// until ReleaseReply: the room sees a client waiting for its answer.
func (s *Server) HoldNextReply() {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if s.shared.armed || s.shared.heldBy != 0 {
		return
	}
	s.shared.armed = true
	s.shared.release = make(chan struct{})
}

// ReleaseReply lets a held reply go, or disarms a hold not yet used.
func (s *Server) ReleaseReply() {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if s.shared.release != nil && (s.shared.armed || s.shared.heldBy != 0) {
		close(s.shared.release)
	}
	s.shared.armed, s.shared.heldBy = false, 0
}

// Holding reports whether a hold is armed, and which connection's reply
// waits (0 while none has been caught yet).
func (s *Server) Holding() (armed bool, conn uint64) {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	return s.shared.armed || s.shared.heldBy != 0, s.shared.heldBy
}

// SetSlowMotion turns slow motion on or off for every reply.
func (s *Server) SetSlowMotion(on bool) { s.shared.slow.Store(on) }

// SlowMotion reports whether slow motion is on.
func (s *Server) SlowMotion() bool { return s.shared.slow.Load() }

// writeSlowly writes p a few bytes at a time, each piece its own event.
func (c *Conn) writeSlowly(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		if done > 0 {
			select {
			case <-time.After(slowPause):
			case <-c.Aborted():
				return done, errors.New("connection closed during a slow reply")
			}
		}
		n, err := c.write(p[done:min(len(p), done+slowPiece)])
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// StartHeader begins the wait for an HTTP request header: it starts the
// server's read-header clock (unless the behavior set its own) and returns
// the largest header the server accepts (0: the parser's default). Call
// HeaderDone once the header is in.
func (c *Conn) StartHeader() (maxHeaderBytes int) {
	if c.shared == nil {
		return 0
	}
	if c.shared.headerTimeout > 0 && c.headerBy.Load() == 0 {
		c.SetHeaderTimeout(c.shared.headerTimeout)
	}
	return c.shared.maxHeader
}
