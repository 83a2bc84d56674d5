package behaviors

import (
	"strconv"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// The behaviors below are the servers the lessons teach. Each is meant to be
// read: it is the whole program that runs on one connection.
//
// A behavior's Idle is its own idle time. Zero means it has none and takes
// the server's; the server's IdleTimeout also caps a longer one. That rule
// lives in one place, netcore.Conn.SetIdle.

// AcceptOnly reads whatever arrives and never writes. The connection ends
// when the client closes it or stays silent for Idle.
type AcceptOnly struct{ Idle time.Duration }

func (AcceptOnly) Name() string { return "accept-only" }

func (b AcceptOnly) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// HelloMessage is what the app's client says in the ping-pong lesson.
var HelloMessage = []byte("Hello server! 🎈")

// PongReply is what PingPong writes after every read.
var PongReply = []byte("Hello client! 🎉")

// PingPong answers every read with PongReply. It answers reads, not
// messages: TCP does not keep the sender's writes apart.
type PingPong struct{ Idle time.Duration }

func (PingPong) Name() string { return "ping-pong" }

func (b PingPong) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
		if _, err := c.Write(PongReply); err != nil {
			return
		}
	}
}

// HelloBody is the body HTTPHello sends: 14 ASCII bytes and a 4-byte emoji.
const HelloBody = "Hello, world! 🎉"

// HelloResponse is HTTPHello's whole response, written out by hand.
// Content-Length counts bytes (len), not characters.
var HelloResponse = []byte("HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: " + strconv.Itoa(len(HelloBody)) + "\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	HelloBody)

// HTTPHello answers the first read with HelloResponse and closes.
type HTTPHello struct{ Idle time.Duration }

func (HTTPHello) Name() string { return "http-hello" }

func (b HTTPHello) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	if _, err := c.Write(HelloResponse); err != nil {
		return
	}
	// Say we are done (FIN), then read what the client still sends until it
	// closes too, so closing never resets a response it has not read.
	finish(c)
}
