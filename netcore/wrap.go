package netcore

import (
	"net"
	"time"
)

// Note reports a line about this connection as a Note event: what a
// behavior worked out from the bytes (a TLS ClientHello's server name, a
// WebSocket frame's header). Text from the network is escaped wherever a
// note is shown, like every other byte.
func (c *Conn) Note(text string) {
	e := c.base(Note)
	e.Text = text
	c.sink.Push(e)
}

// NetConn is c as a net.Conn, so a protocol layer such as crypto/tls can
// run on top of it: that layer reads and writes through c, and the events
// carry the bytes as they cross the wire. Deadlines set through it apply
// when c has no idle time of its own; c's idle rule wins otherwise.
func (c *Conn) NetConn() net.Conn { return netConn{c} }

type netConn struct{ *Conn }

func (n netConn) SetDeadline(t time.Time) error      { return n.raw.SetDeadline(t) }
func (n netConn) SetReadDeadline(t time.Time) error  { return n.raw.SetReadDeadline(t) }
func (n netConn) SetWriteDeadline(t time.Time) error { return n.raw.SetWriteDeadline(t) }
