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

func (f Tap) Name() string { return "tap → " + f.Target }

// EventSource marks the tap's events, so views and checks can tell them
// from the built-in server's.
func (Tap) EventSource() Source { return FromTap }

// tapBuf is the relay's buffer per direction.
const tapBuf = 32 << 10

func (f Tap) Serve(c *Conn) {
	// The learner's server decides its own timeouts; the tap waits.
	c.SetIdle(0)
	up, err := net.DialTimeout("tcp", f.Target, 3*time.Second)
	if err != nil {
		e := c.base(Refused)
		e.Text = "your server at " + f.Target + " did not answer: " + err.Error()
		c.sink.Push(e)
		c.setReason(ByError)
		// Close politely: a close with the client's request unread would
		// reset the connection, and the client would blame the network.
		// Those bytes never reached a server, so they are not reported.
		_ = c.CloseWrite()
		c.discardFor(time.Second)
		return
	}
	defer up.Close()
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
