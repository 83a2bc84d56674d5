package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The websocket lesson's probes, on one connection: the upgrade with a
// fresh random key, a masked text frame that must come back, and a close
// frame that must be answered with one.

var WebSocket Set = probeWebSocket

var wsEcho = []byte("ping from tubes 🏓")

func probeWebSocket(ctx context.Context, p *prober) []Result {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := []byte("GET " + behaviors.WebSocketPath + " HTTP/1.1\r\nHost: " + p.opt.Target + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
	ex := &probeEx{command: p.ncCommand(req)}
	c, release := p.dial(ctx, ex)
	defer release()
	names := []string{"ws-upgrade", "ws-echo", "ws-close"}
	out := make([]Result, 0, 3)
	skipRest := func(kind Outcome) []Result {
		for _, n := range names[len(out):] {
			r := Result{Name: n, Caret: -1, Command: ex.command}
			r.fail(kind, -1, "not checked: the upgrade failed (see the first probe)")
			out = append(out, r)
		}
		return out
	}

	up := ex.result(names[0])
	if c == nil || !ex.send(c, req) {
		p.silent(&up, ex, 0, "the upgrade request")
		out = append(out, up)
		return skipRest(up.Kind)
	}
	p.wsRead(c, ex, 0, func(b []byte) bool { return bytes.Contains(b, []byte("\r\n\r\n")) })
	up = ex.result(names[0])
	if p.silent(&up, ex, 0, "the upgrade request") {
		out = append(out, up)
		return skipRest(up.Kind)
	}
	headEnd := bytes.Index(ex.received, []byte("\r\n\r\n"))
	if !p.judgeUpgrade(&up, ex.received, headEnd, key) {
		out = append(out, up)
		return skipRest(up.Kind)
	}
	up.Note = "101 Switching Protocols, Sec-WebSocket-Accept " + behaviors.AcceptKey(key)
	out = append(out, up)
	from := headEnd + 4

	// The echo: other frames (the lesson's ticks) may come first.
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	echo := ex.result(names[1])
	sentAt := len(ex.sent)
	if !ex.send(c, behaviors.AppendFrame(nil, true, behaviors.OpText, &mask, wsEcho)) {
		echo.fail(ClosedEarly, -1, "the connection ended before the frame could be sent")
		return append(out, echo, closeSkipped(names[2]))
	}
	var got *behaviors.Frame
	var bad error
	p.wsRead(c, ex, from, func(b []byte) bool {
		got, bad = findFrame(b, func(f behaviors.Frame) bool {
			return f.Opcode == behaviors.OpText && bytes.Equal(f.Payload, wsEcho) || f.Opcode == behaviors.OpClose
		})
		return got != nil || bad != nil
	})
	echo = ex.result(names[1])
	echo.Sent = ex.sent[sentAt:]
	switch {
	case bad != nil:
		echo.fail(Malformed, -1, "%s", bad.Error())
	case got == nil:
		echo.fail(TimedOut, -1, "no text frame came back with the %d bytes sent (%q) within %s", len(wsEcho), wsEcho, roundDur(p.opt.Quiet))
	case got.Opcode == behaviors.OpClose:
		code, reason, _ := behaviors.ParseClose(got.Payload)
		echo.fail(Wrong, -1, "the server closed the WebSocket (code %d %q) instead of echoing the masked text frame; did it unmask the payload with the frame's 4-byte key?", code, netcore.Escape([]byte(reason)))
	default:
		echo.Note = fmt.Sprintf("the echo came back in %d-byte frame(s), unmasked as a server's must be", got.Header+len(got.Payload))
	}
	out = append(out, echo)
	if !echo.Pass {
		return append(out, closeSkipped(names[2]))
	}

	from = len(ex.received)
	closing := ex.result(names[2])
	sentAt = len(ex.sent)
	if !ex.send(c, behaviors.AppendFrame(nil, true, behaviors.OpClose, &mask, behaviors.ClosePayload(behaviors.CloseNormal, "bye"))) {
		closing.fail(ClosedEarly, -1, "the connection ended before the close frame could be sent")
		return append(out, closing)
	}
	got, bad = nil, nil
	p.wsRead(c, ex, from, func(b []byte) bool {
		got, bad = findFrame(b, func(f behaviors.Frame) bool { return f.Opcode == behaviors.OpClose })
		return got != nil || bad != nil
	})
	if got != nil && !ex.closed && !ex.reset {
		p.wsRead(c, ex, len(ex.received), func([]byte) bool { return false }) // wait for the FIN
	}
	closing = ex.result(names[2])
	closing.Sent = ex.sent[sentAt:]
	switch {
	case bad != nil:
		closing.fail(Malformed, -1, "%s", bad.Error())
	case got == nil && ex.closed:
		closing.fail(ClosedEarly, -1, "the server closed the TCP connection without a close frame; answer the client's close frame with one (the same code) first")
	case got == nil:
		closing.fail(TimedOut, -1, "no close frame came back within %s", roundDur(p.opt.Quiet))
	default:
		code, _, err := behaviors.ParseClose(got.Payload)
		switch {
		case err != nil:
			closing.fail(Malformed, -1, "the server's close frame is broken: %s", err.Error())
		case code != behaviors.CloseNormal:
			closing.fail(Wrong, -1, "the server answered close 1000 with close %d; echo the client's code", code)
		case !ex.closed:
			closing.fail(TimedOut, -1, "after the close frames the server kept the TCP connection open for %s; the server closes it first", roundDur(p.opt.Quiet))
		default:
			closing.Note = "close 1000 answered with close 1000, then the server closed the connection"
		}
	}
	return append(out, closing)
}

func closeSkipped(name string) Result {
	r := Result{Name: name, Caret: -1}
	r.fail(Wrong, -1, "not checked: the echo failed (see the probe before)")
	return r
}

// judgeUpgrade checks the response head in got[:end] for the 101.
func (p *prober) judgeUpgrade(res *Result, got []byte, end int, key string) bool {
	if end < 0 {
		res.fail(Malformed, len(got), "the response head never ended with a blank line (\\r\\n\\r\\n)")
		return false
	}
	lines := strings.Split(string(got[:end]), "\r\n")
	if !strings.HasPrefix(lines[0], "HTTP/1.1 101") {
		res.fail(Wrong, 0, "the server answered %s to a WebSocket upgrade; it should answer 101 Switching Protocols", netcore.Escape([]byte(lines[0])))
		return false
	}
	h := map[string]string{}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		h[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
	want := behaviors.AcceptKey(key)
	switch {
	case !strings.EqualFold(h["upgrade"], "websocket"):
		res.fail(Wrong, -1, "the 101 lacks Upgrade: websocket")
	case !strings.Contains(strings.ToLower(h["connection"]), "upgrade"):
		res.fail(Wrong, -1, "the 101 lacks Connection: Upgrade")
	case h["sec-websocket-accept"] != want:
		res.fail(Wrong, -1, "Sec-WebSocket-Accept is %q; for the key %s it must be base64(SHA-1(key + %s)) = %s",
			netcore.Escape([]byte(h["sec-websocket-accept"])), key, behaviors.WebSocketGUID, want)
	default:
		return true
	}
	return false
}

// findFrame walks the frames in b for one that matches. A masked frame
// from the server, or one that breaks the framing, is an error.
func findFrame(b []byte, match func(behaviors.Frame) bool) (*behaviors.Frame, error) {
	for {
		f, n, err := behaviors.ParseFrame(b, 1<<20)
		if errors.Is(err, behaviors.ErrFrameIncomplete) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("the server sent a broken frame header: %v", err)
		}
		if f.Masked {
			return nil, errors.New("the server masked a frame; only a client masks its frames")
		}
		if match(f) {
			return &f, nil
		}
		b = b[n:]
	}
}

// wsRead reads into ex until done holds for ex.received[from:], the
// server closes, Quiet passes with nothing new, or the probe's time ends.
func (p *prober) wsRead(c *netcore.Conn, ex *probeEx, from int, done func([]byte) bool) {
	buf := make([]byte, 16<<10)
	// The first byte of a reply gets Reply; later ones Quiet each.
	wait := p.opt.Reply
	ex.waited = wait
	for !done(ex.received[from:]) {
		left := time.Until(ex.deadline)
		if left <= 0 {
			ex.overdue = true
			return
		}
		c.SetIdle(min(wait, left))
		n, err := c.Read(buf)
		if n > 0 {
			ex.received = append(ex.received, buf[:min(n, KeepBytes-len(ex.received))]...)
			ex.total += n
			ex.last = time.Now()
			wait = p.opt.Quiet
		}
		if err != nil {
			ex.noteErr(err)
			ex.done = time.Now()
			return
		}
	}
	ex.done = time.Now()
}
