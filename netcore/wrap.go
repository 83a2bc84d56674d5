package netcore

import (
	"net"
	"time"
)

// NetConn is c as a net.Conn, so a protocol layer such as crypto/tls can
// run on top of it: that layer reads and writes through c, and the events
// carry the bytes as they cross the wire. Deadlines set through it apply
// when c has no idle time of its own; c's idle rule wins otherwise.
func (c *Conn) NetConn() net.Conn { return netConn{c} }

type netConn struct{ *Conn }

func (n netConn) SetDeadline(t time.Time) error      { return n.raw.SetDeadline(t) }
func (n netConn) SetReadDeadline(t time.Time) error  { return n.raw.SetReadDeadline(t) }
func (n netConn) SetWriteDeadline(t time.Time) error { return n.raw.SetWriteDeadline(t) }
