package lessons

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// ActionKind names what enter does in a step; the interface shows it.
type ActionKind string

const (
	NoAction    ActionKind = ""
	ConnectOnly ActionKind = "connect"
	SendMessage ActionKind = "send"
	SendRequest ActionKind = "request"
)

// HelloMessage is what the app's client sends in ping-pong.
var HelloMessage = []byte("Hello server! 🎈")

// RequestFor is the GET request the app's client sends to addr.
func RequestFor(addr string) []byte {
	return []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n")
}

// Env is what an action may use: the app's client and where to dial.
type Env struct {
	Client *netcore.Client
	Addr   Address
}

// Run performs the action. It blocks on the network, so callers run it
// off the UI goroutine. Every byte it moves is reported as events.
func (k ActionKind) Run(ctx context.Context, env Env) error {
	switch k {
	case ConnectOnly:
		c, err := env.Client.Dial(ctx, env.Addr.HostPort())
		if err != nil {
			return err
		}
		// Keep the connection open and notice when the server closes it.
		go readUntilClosed(env.Client, c, 0)
		return nil
	case SendMessage:
		return exchange(ctx, env, HelloMessage, len(netcore.PongReply))
	case SendRequest:
		return exchange(ctx, env, RequestFor(env.Addr.HostPort()), -1)
	}
	return nil
}

// exchange connects, writes msg and reads the reply: want bytes, or until
// the server closes when want < 0. Then it closes.
func exchange(ctx context.Context, env Env, msg []byte, want int) error {
	c, err := env.Client.Dial(ctx, env.Addr.HostPort())
	if err != nil {
		return err
	}
	defer env.Client.Release(c)
	if _, err := c.Write(msg); err != nil {
		return err
	}
	got, err := readUntilClosed(env.Client, c, want)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if got == 0 {
			return errors.New("no reply within 5s")
		}
		return nil
	}
	return err
}

// readUntilClosed reads until want bytes arrived (want > 0), the peer closes,
// or 5 s pass when want != 0. It releases the connection when the peer closes.
func readUntilClosed(cl *netcore.Client, c *netcore.Conn, want int) (int, error) {
	if want != 0 {
		c.SetIdle(5 * time.Second)
	}
	buf := make([]byte, 4096)
	got := 0
	for want <= 0 || got < want {
		n, err := c.Read(buf)
		got += n
		if err != nil {
			cl.Release(c)
			if errors.Is(err, io.EOF) {
				return got, nil
			}
			return got, err
		}
	}
	return got, nil
}
