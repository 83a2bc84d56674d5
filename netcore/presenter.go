package netcore

import (
	"errors"
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
	holdFor netip.Addr    // only a reply to this address is held (zero: anyone's)
	heldBy  uint64        // the connection whose reply waits, 0 if none
	heldAt  netip.Addr    // that connection's peer
	release chan struct{} // closed to let the held reply go
}

// Slow motion sends a reply in small pieces, with a pause between them,
// so a room can follow it byte by byte.
const (
	slowPiece = 6
	slowPause = 150 * time.Millisecond
)

// hold makes the first write after HoldNextReply (to the chosen address,
// if one was chosen) wait for ReleaseReply. A client that hangs up while
// its reply waits ends the hold: nothing stays held on a dead connection.
func (s *shared) hold(c *Conn) error {
	s.mu.Lock()
	peer := remoteKey(c.raw)
	if !s.armed || (s.holdFor.IsValid() && s.holdFor != peer) {
		s.mu.Unlock()
		return nil
	}
	s.armed, s.heldBy, s.heldAt = false, c.id, peer
	release := s.release
	s.mu.Unlock()
	e := c.base(Note)
	e.Text = Phrase{"srv.held", []any{c.id}}.Say(c.words)
	s.sink.Push(e)
	gone := make(chan struct{})
	stop := make(chan struct{})
	defer close(stop)
	go watchHangUp(c.raw, gone, stop)
	select {
	case <-release:
		return nil
	case <-c.Aborted():
	case <-gone:
	}
	s.mu.Lock()
	if s.heldBy == c.id {
		s.heldBy, s.heldAt = 0, netip.Addr{}
	}
	s.mu.Unlock()
	return errors.New("connection closed while its reply was held")
}

// hangUpPoll is how often a held connection is checked for a hang-up.
const hangUpPoll = 100 * time.Millisecond

// HoldNextReply makes the server's next write, on any connection, wait
// until ReleaseReply: the room sees a client waiting for its answer.
func (s *Server) HoldNextReply() { s.HoldNextReplyTo(netip.Addr{}) }

// HoldNextReplyTo holds the next reply to peer only (an address as the
// limits key it: IPv4, or an IPv6 /64); the zero Addr holds anyone's.
func (s *Server) HoldNextReplyTo(peer netip.Addr) {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if s.shared.armed || s.shared.heldBy != 0 {
		return
	}
	if peer.IsValid() {
		peer = limitKey(peer.Unmap())
	}
	s.shared.armed, s.shared.holdFor = true, peer
	s.shared.release = make(chan struct{})
}

// ReleaseReply lets a held reply go, or disarms a hold not yet used.
func (s *Server) ReleaseReply() {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if s.shared.release != nil && (s.shared.armed || s.shared.heldBy != 0) {
		close(s.shared.release)
	}
	s.shared.armed, s.shared.heldBy, s.shared.holdFor, s.shared.heldAt = false, 0, netip.Addr{}, netip.Addr{}
}

// Holding reports whether a hold is armed, and which connection's reply
// waits (0 while none has been caught yet).
func (s *Server) Holding() (armed bool, conn uint64) {
	h := s.Hold()
	return h.Armed, h.Conn
}

// HoldState is the presenter's hold as the status line names it.
type HoldState struct {
	Armed bool       // a hold is set, caught or not
	For   netip.Addr // the address it waits for (zero: anyone)
	Conn  uint64     // the connection whose reply waits, 0 if none yet
	Peer  netip.Addr // that connection's address
}

// Hold is a snapshot of the hold.
func (s *Server) Hold() HoldState {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	sh := s.shared
	return HoldState{Armed: sh.armed || sh.heldBy != 0, For: sh.holdFor, Conn: sh.heldBy, Peer: sh.heldAt}
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

// maxBlocked bounds the addresses a presenter can block in one session.
const maxBlocked = 1024

// Block turns every new connection from ip (keyed as the limits key it)
// away for the rest of the session; it reports false when the list is
// full. Connections already open stay open.
func (s *Server) Block(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	k := limitKey(ip.Unmap())
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.blocked[k]; !ok && len(s.blocked) >= maxBlocked {
		return false
	}
	if s.blocked == nil {
		s.blocked = map[netip.Addr]struct{}{}
	}
	s.blocked[k] = struct{}{}
	return true
}

// Blocked reports whether ip is blocked.
func (s *Server) Blocked(ip netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.blocked[limitKey(ip.Unmap())]
	return ok
}
