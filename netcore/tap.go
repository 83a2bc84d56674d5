package netcore

import (
	"errors"
	"io"
	"net"
	"time"
)

// Tap relays each connection to Target and back, so the events show a
// learner's own server at work. Its events have Source FromTap, on any
// Server. Bytes stream through a fixed buffer in
// each direction; nothing is held beyond the capture cap.
type Tap struct {
	Target string
}

func (f Tap) Name() string { return "tap → " + Escape([]byte(f.Target)) }

// EventSource marks the tap's events, so views and checks can tell them
// from the built-in server's.
func (Tap) EventSource() Source { return FromTap }

// tapBuf is the relay's buffer per direction.
const tapBuf = 32 << 10

func (f Tap) Serve(c *Conn) {
	// The learner's server has its own timeouts; the tap takes none of its
	// own, so only the server's idle cap applies, counted over both ways.
	c.SetIdle(0)
	target, err := ParseTarget(f.Target)
	if err != nil {
		refuseTap(c, Phrase{"srv.tap.target", []any{err}})
		return
	}
	// A tap aimed at its own listener would accept its own relay, relay
	// that again, and so on until a limit stops it.
	if c.shared != nil && c.shared.reaches(target) {
		refuseTap(c, selfTarget(target))
		return
	}
	up, err := net.DialTimeout("tcp", target.String(), 3*time.Second)
	if err != nil {
		refuseTap(c, Phrase{"srv.tap.noanswer", []any{DialPhrase(target.String(), err)}}) // the dial phrase names the address
		return
	}
	defer up.Close()
	// A host name that turned out to be this machine: same loop.
	if ta, ok := up.RemoteAddr().(*net.TCPAddr); ok && c.shared != nil && c.shared.listensOn(ta.AddrPort()) {
		_ = up.Close()
		refuseTap(c, selfTarget(target))
		return
	}
	e := c.base(Connected)
	e.Local, e.Remote = up.LocalAddr(), up.RemoteAddr()
	c.sink.Push(e)

	// Server to client. When the server ends its side (FIN), pass the FIN
	// on and keep relaying the other way: that is a half-close.
	down := make(chan struct{})
	go func() {
		defer close(down)
		buf := make([]byte, tapBuf)
		for {
			n, err := up.Read(buf)
			if n > 0 {
				if _, werr := c.Write(buf[:n]); werr != nil {
					_ = up.Close()
					return
				}
				c.notIdle()
			}
			if errors.Is(err, io.EOF) {
				_ = c.CloseWrite()
				return
			}
			if err != nil {
				c.setReason(BySelf)
				_ = c.raw.Close()
				return
			}
		}
	}()

	// Client to server, on this goroutine.
	buf := make([]byte, tapBuf)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := up.Write(buf[:n]); werr != nil {
				break
			}
		}
		if errors.Is(err, io.EOF) {
			if tc, ok := up.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			select {
			case <-down:
			case <-c.Aborted():
			}
			return
		}
		if err != nil {
			break
		}
	}
	_ = up.Close()
	<-down
}

func selfTarget(t HostPort) Phrase {
	return Phrase{"srv.tap.self", []any{t.String()}}
}

// refuseTap reports why the tap cannot relay and closes politely: a close
// with the client's request unread would reset the connection, and the
// client would blame the network. Those bytes never reached a server, so
// they are not reported.
func refuseTap(c *Conn, why Phrase) {
	e := c.base(Refused)
	e.Text = why.Say(c.words)
	c.sink.Push(e)
	c.setReason(ByError)
	_ = c.CloseWrite()
	c.discardFor(time.Second)
}
