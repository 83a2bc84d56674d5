package lessons

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The websocket lesson's actions: the app's client speaks WebSocket by
// hand, as the lesson's server does, so every frame shows in the bytes.

// SampleKey is RFC 6455's own example Sec-WebSocket-Key; its accept
// value is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, which the learner can check.
const SampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

// WSHello is what the app's client says over its WebSocket.
var WSHello = []byte("Hello, WebSocket! 👋")

// WSChat upgrades, sends WSHello, reads until the echo, then closes with
// 1000 and waits for the server's close.
var WSChat = Action{Label: "websocket", Run: func(ctx context.Context, env Env) (Note, error) {
	ws, release, err := wsDial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	if err := ws.send(true, behaviors.OpText, WSHello); err != nil {
		return Note{}, ended(ctx, err)
	}
	ticks := 0
	for {
		f, err := ws.read()
		if err != nil {
			return Note{}, ended(ctx, err)
		}
		if f.Opcode == behaviors.OpText && bytes.Equal(f.Payload, WSHello) {
			break
		}
		ticks++
	}
	code, err := ws.closeWith(behaviors.CloseNormal, "bye")
	if err != nil {
		return Note{}, ended(ctx, err)
	}
	return Note{"note.ws.echo", []any{ticks, code}}, nil
}}

// WSCloseAfter upgrades, lets the server's ticks come for a while, then
// closes with code and reason.
func WSCloseAfter(wait time.Duration, code int, reason string) Action {
	return Action{Label: "wsclose", Run: func(ctx context.Context, env Env) (Note, error) {
		ws, release, err := wsDial(ctx, env)
		if err != nil {
			return Note{}, err
		}
		defer release()
		if err := pause(ctx, wait); err != nil {
			return Note{}, err
		}
		got, err := ws.closeWith(code, reason)
		if err != nil {
			return Note{}, ended(ctx, err)
		}
		return Note{"note.ws.close", []any{code, got}}, nil
	}}
}

// WSUnmasked upgrades and sends a text frame without a mask, which no
// client may do; it reads until the server's close frame.
var WSUnmasked = Action{Label: "unmasked", Run: func(ctx context.Context, env Env) (Note, error) {
	ws, release, err := wsDial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	if _, err := ws.c.Write(behaviors.AppendFrame(nil, true, behaviors.OpText, nil, []byte("no mask"))); err != nil {
		return Note{}, ended(ctx, err)
	}
	for {
		f, err := ws.read()
		if err != nil {
			return Note{}, ended(ctx, err)
		}
		if f.Opcode == behaviors.OpClose {
			code, reason, _ := behaviors.ParseClose(f.Payload)
			return Note{"note.ws.closedby", []any{code, netcore.Escape([]byte(reason))}}, nil
		}
	}
}}

// wsClient is the app's client on an upgraded connection.
type wsClient struct {
	c *netcore.Conn
	r *bufio.Reader
}

func wsDial(ctx context.Context, env Env) (*wsClient, func(), error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	c.SetIdle(10 * time.Second)
	req := "GET " + behaviors.WebSocketPath + " HTTP/1.1\r\nHost: " + env.Addr.HostPort() + "\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + SampleKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		release()
		return nil, nil, ended(ctx, err)
	}
	ws := &wsClient{c: c, r: bufio.NewReader(c)}
	resp, err := http.ReadResponse(ws.r, nil)
	if err != nil {
		release()
		return nil, nil, ended(ctx, actionError("action.err.upgrade", err))
	}
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != behaviors.AcceptKey(SampleKey) {
		release()
		return nil, nil, &netcore.PhraseError{Reason: netcore.Phrase{Key: "action.err.noupgrade",
			Args: []any{netcore.Escape([]byte(resp.Status)), netcore.Quote(resp.Header.Get("Sec-WebSocket-Accept"))}}}
	}
	return ws, release, nil
}

// send writes one masked frame, with a fresh random key as the RFC asks.
func (ws *wsClient) send(fin bool, op byte, p []byte) error {
	var key [4]byte
	_, _ = rand.Read(key[:])
	_, err := ws.c.Write(behaviors.AppendFrame(nil, fin, op, &key, p))
	return err
}

// read reads one frame of at most MaxFramePayload.
func (ws *wsClient) read() (behaviors.Frame, error) {
	var b []byte
	for {
		f, _, err := behaviors.ParseFrame(b, behaviors.MaxFramePayload)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, behaviors.ErrFrameIncomplete) {
			return f, err
		}
		c, err := ws.r.ReadByte()
		if err != nil {
			return f, err
		}
		b = append(b, c)
	}
}

// closeWith sends a close frame and reads until the server's, returning
// its code.
func (ws *wsClient) closeWith(code int, reason string) (int, error) {
	if err := ws.send(true, behaviors.OpClose, behaviors.ClosePayload(code, reason)); err != nil {
		return 0, err
	}
	for {
		f, err := ws.read()
		if err != nil {
			return 0, err
		}
		if f.Opcode == behaviors.OpClose {
			got, _, _ := behaviors.ParseClose(f.Payload)
			return got, nil
		}
	}
}
