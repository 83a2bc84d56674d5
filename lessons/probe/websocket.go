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

var WebSocket Set = func(ctx context.Context, p *prober) []Result {
	out := probeWebSocket(ctx, p)
	return append(out, p.wsMore(ctx, out[0])...)
}

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
	skipRest := func() []Result {
		for _, n := range names[len(out):] {
			r := Result{Name: n, Caret: -1, Command: ex.command}
			r.notChecked(p.t("ws.skipped"))
			out = append(out, r)
		}
		return out
	}

	up := ex.result(names[0])
	if c == nil || !ex.send(c, req) {
		p.silent(&up, ex, 0, p.t("what.upgrade"))
		out = append(out, up)
		return skipRest()
	}
	p.wsRead(c, ex, 0, func(b []byte) bool { return bytes.Contains(b, []byte("\r\n\r\n")) })
	up = ex.result(names[0])
	if p.silent(&up, ex, 0, p.t("what.upgrade")) {
		out = append(out, up)
		return skipRest()
	}
	headEnd := bytes.Index(ex.received, []byte("\r\n\r\n"))
	if !p.judgeUpgrade(&up, ex.received, headEnd, key) {
		out = append(out, up)
		return skipRest()
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
		echo.fail(ClosedEarly, -1, "%s", p.t("ws.endedframe"))
		return append(out, echo, p.closeSkipped(names[2]))
	}
	var got *behaviors.Frame
	var bad error
	p.wsRead(c, ex, from, func(b []byte) bool {
		got, bad = p.findFrame(b, func(f behaviors.Frame) bool {
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
		echo.fail(TimedOut, -1, p.t("ws.noecho"), len(wsEcho), wsEcho, roundDur(p.opt.Quiet))
	case got.Opcode == behaviors.OpClose:
		code, reason, _ := behaviors.ParseClose(got.Payload)
		echo.fail(Wrong, -1, p.t("ws.closedinstead"), code, netcore.Escape([]byte(reason)))
	default:
		echo.Note = fmt.Sprintf(p.t("ws.echoed"), got.Header+len(got.Payload))
	}
	out = append(out, echo)
	if !echo.Pass {
		return append(out, p.closeSkipped(names[2]))
	}

	from = len(ex.received)
	closing := ex.result(names[2])
	sentAt = len(ex.sent)
	if !ex.send(c, behaviors.AppendFrame(nil, true, behaviors.OpClose, &mask, behaviors.ClosePayload(behaviors.CloseNormal, "bye"))) {
		closing.fail(ClosedEarly, -1, "%s", p.t("ws.endedclose"))
		return append(out, closing)
	}
	got, bad = nil, nil
	p.wsRead(c, ex, from, func(b []byte) bool {
		got, bad = p.findFrame(b, func(f behaviors.Frame) bool { return f.Opcode == behaviors.OpClose })
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
		closing.fail(ClosedEarly, -1, "%s", p.t("ws.noclose"))
	case got == nil:
		closing.fail(TimedOut, -1, p.t("ws.closequiet"), roundDur(p.opt.Quiet))
	default:
		code, _, err := behaviors.ParseClose(got.Payload)
		switch {
		case err != nil:
			closing.fail(Malformed, -1, p.t("ws.badclose"), err.Error())
		case code != behaviors.CloseNormal:
			closing.fail(Wrong, -1, p.t("ws.closecode"), code)
		case !ex.closed:
			closing.fail(TimedOut, -1, p.t("ws.tcpopen"), roundDur(p.opt.Quiet))
		default:
			closing.Note = p.t("ws.closed")
		}
	}
	return append(out, closing)
}

func (p *prober) closeSkipped(name string) Result {
	r := Result{Name: name, Caret: -1}
	r.notChecked(p.t("ws.echoskipped"))
	return r
}

// judgeUpgrade checks the response head in got[:end] for the 101.
func (p *prober) judgeUpgrade(res *Result, got []byte, end int, key string) bool {
	if end < 0 {
		res.fail(Malformed, len(got), "%s", p.t("ws.noend"))
		return false
	}
	lines := strings.Split(string(got[:end]), "\r\n")
	if !strings.HasPrefix(lines[0], "HTTP/1.1 101") {
		res.fail(Wrong, 0, p.t("ws.not101"), netcore.Escape([]byte(lines[0])))
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
		res.fail(Wrong, -1, "%s", p.t("ws.noupgrade"))
	case !strings.Contains(strings.ToLower(h["connection"]), "upgrade"):
		res.fail(Wrong, -1, "%s", p.t("ws.noconnection"))
	case h["sec-websocket-accept"] != want:
		res.fail(Wrong, -1, p.t("ws.accept"),
			netcore.Escape([]byte(h["sec-websocket-accept"])), key, behaviors.WebSocketGUID, want)
	default:
		return true
	}
	return false
}

// findFrame walks the frames in b for one that matches. A masked frame
// from the server, or one that breaks the framing, is an error.
func (p *prober) findFrame(b []byte, match func(behaviors.Frame) bool) (*behaviors.Frame, error) {
	for {
		f, n, err := behaviors.ParseFrame(b, 1<<20)
		if errors.Is(err, behaviors.ErrFrameIncomplete) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf(p.t("ws.badframe"), err)
		}
		if f.Masked {
			return nil, errors.New(p.t("ws.masked"))
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
