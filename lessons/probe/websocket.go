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

// wsBye is the close frame's payload: a code and a reason.
const wsByeReason = "bye"

var wsBye = behaviors.ClosePayload(behaviors.CloseNormal, wsByeReason)

// wsRandom is a new Sec-WebSocket-Key and frame mask for each run; a dry
// run (the spec) has zeros in their place, so the lesson's text stays
// the same from one render to the next.
func (p *prober) wsRandom() (key string, mask [4]byte) {
	var nonce [16]byte
	if !p.dry {
		_, _ = rand.Read(nonce[:])
		_, _ = rand.Read(mask[:])
	}
	return base64.StdEncoding.EncodeToString(nonce[:]), mask
}

func probeWebSocket(ctx context.Context, p *prober) []Result {
	key, mask := p.wsRandom()
	req := []byte("GET " + behaviors.WebSocketPath + " HTTP/1.1\r\nHost: " + p.opt.Target + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
	text := behaviors.AppendFrame(nil, true, behaviors.OpText, &mask, wsEcho)
	bye := behaviors.AppendFrame(nil, true, behaviors.OpClose, &mask, wsBye)
	ex := &probeEx{command: p.ncCommand(req), planned: req, sends: p.t("probe.ws-upgrade.sends")}
	c, release := p.dial(ctx, ex)
	defer release()
	names := []string{"ws-upgrade", "ws-echo", "ws-close"}
	if p.dry {
		// The frames' masked bytes change with every key, so the spec
		// says them in words, from their real first two bytes.
		echo, closing := ex.result(names[1]), ex.result(names[2])
		echo.Sent, closing.Sent = nil, nil
		echo.sends = fmt.Sprintf(p.t("probe.ws-echo.sends"), text[0], text[1], len(wsEcho), netcore.Escape(wsEcho))
		closing.sends = fmt.Sprintf(p.t("probe.ws-close.sends"), bye[0], bye[1], len(wsBye), behaviors.CloseNormal, wsByeReason)
		return []Result{ex.result(names[0]), echo, closing}
	}
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
	frames := &wsFrames{p: p, ex: ex, pos: headEnd + 4}

	// The echo: other frames (the lesson's ticks) may come first.
	echo := ex.result(names[1])
	sentAt := len(ex.sent)
	if !ex.send(c, text) {
		echo.fail(ClosedEarly, -1, "%s", p.t("ws.endedframe"))
		return append(out, echo, p.closeSkipped(names[2]))
	}
	var got *wsMessage
	var bad *wsFault
	p.wsRead(c, ex, frames.pos, func([]byte) bool {
		got, bad = frames.next(func(m wsMessage) bool {
			return m.opcode == behaviors.OpText && bytes.Equal(m.payload, wsEcho) || m.opcode == behaviors.OpClose
		})
		return got != nil || bad != nil
	})
	if got == nil && bad == nil {
		bad = frames.unended()
	}
	echo = ex.result(names[1])
	echo.Sent = ex.sent[sentAt:]
	switch {
	case bad != nil:
		echo.fail(Malformed, bad.at, "%s", bad.reason)
	case got == nil:
		echo.fail(TimedOut, -1, p.t("ws.noecho"), len(wsEcho), wsEcho, roundDur(p.opt.Quiet))
	case got.opcode == behaviors.OpClose:
		code, reason, _ := behaviors.ParseClose(got.payload)
		echo.fail(Wrong, -1, p.t("ws.closedinstead"), code, netcore.Escape([]byte(reason)))
	default:
		echo.Note = fmt.Sprintf(p.t("ws.echoed"), got.size)
	}
	out = append(out, echo)
	if !echo.Pass {
		return append(out, p.closeSkipped(names[2]))
	}

	closing := ex.result(names[2])
	sentAt = len(ex.sent)
	if !ex.send(c, bye) {
		closing.fail(ClosedEarly, -1, "%s", p.t("ws.endedclose"))
		return append(out, closing)
	}
	got, bad = nil, nil
	p.wsRead(c, ex, frames.pos, func([]byte) bool {
		got, bad = frames.next(func(m wsMessage) bool { return m.opcode == behaviors.OpClose })
		return got != nil || bad != nil
	})
	if got != nil && !ex.closed && !ex.reset {
		p.wsRead(c, ex, len(ex.received), func([]byte) bool { return false }) // wait for the FIN
	}
	if got == nil && bad == nil {
		bad = frames.unended()
	}
	closing = ex.result(names[2])
	closing.Sent = ex.sent[sentAt:]
	switch {
	case bad != nil:
		closing.fail(Malformed, bad.at, "%s", bad.reason)
	case got == nil && ex.closed:
		closing.fail(ClosedEarly, -1, "%s", p.t("ws.noclose"))
	case got == nil:
		closing.fail(TimedOut, -1, p.t("ws.closequiet"), roundDur(p.opt.Quiet))
	default:
		code, _, err := behaviors.ParseClose(got.payload)
		switch {
		case err != nil:
			closing.fail(Malformed, -1, p.t("ws.badclose"), p.errText(err))
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

// wsFrames walks the frames the server sends on one connection, in
// order, across its probes: it judges each header as it comes and joins
// a message sent in pieces. No extension is negotiated, so every header
// bit has one right value or a rule.
type wsFrames struct {
	p   *prober
	ex  *probeEx
	pos int // offset in ex.received of the next frame

	// The message being joined, begun by a data frame without FIN
	// (msgOp 0: none): its first frame's offset and first byte, its
	// payload so far and its frames' bytes.
	msgOp   byte
	msgAt   int
	msgB0   byte
	msg     []byte
	msgSize int
}

// wsMessage is a whole message, or a control frame.
type wsMessage struct {
	opcode  byte
	payload []byte
	size    int // its frames' bytes, headers included
}

// wsFault is a frame header that breaks the rules; at is the offset in
// the exchange's received bytes of the byte that does.
type wsFault struct {
	reason string
	at     int
}

// next walks the frames that have come in full, and returns the first
// message match accepts, or the first fault.
func (w *wsFrames) next(match func(wsMessage) bool) (*wsMessage, *wsFault) {
	for {
		at := w.pos
		b := w.ex.received[at:]
		f, n, err := behaviors.ParseFrame(b, 1<<20)
		if errors.Is(err, behaviors.ErrFrameIncomplete) {
			return nil, nil
		}
		if err != nil {
			return nil, &wsFault{fmt.Sprintf(w.p.t("ws.badframe"), w.p.errText(err)), at + 1} // the length is what is wrong
		}
		if bad := w.judge(f, b[0], b[1], at); bad != nil {
			return nil, bad
		}
		w.pos += n
		m := wsMessage{opcode: f.Opcode, payload: f.Payload, size: n}
		switch {
		case f.Opcode >= 8: // a control frame: whole, maybe amid a message's pieces
		case f.Opcode == behaviors.OpContinuation:
			w.msg, w.msgSize = append(w.msg, f.Payload...), w.msgSize+n
			if !f.FIN {
				continue
			}
			m = wsMessage{opcode: w.msgOp, payload: w.msg, size: w.msgSize}
			w.msgOp, w.msg, w.msgSize = 0, nil, 0
		case !f.FIN:
			w.msgOp, w.msgAt, w.msgB0, w.msg, w.msgSize = f.Opcode, at, b[0], f.Payload, n
			continue
		}
		if match(m) {
			return &m, nil
		}
	}
}

// judge checks one frame header, whose first two bytes are b0 and b1, at
// offset at, against the rules and the message being joined.
func (w *wsFrames) judge(f behaviors.Frame, b0, b1 byte, at int) *wsFault {
	t := w.p.t
	switch {
	case f.RSV != 0:
		return &wsFault{fmt.Sprintf(t("ws.rsv"), b0), at}
	case f.Masked:
		return &wsFault{fmt.Sprintf(t("ws.masked"), b1), at + 1}
	case f.Opcode > behaviors.OpBinary && f.Opcode < behaviors.OpClose || f.Opcode > behaviors.OpPong:
		return &wsFault{fmt.Sprintf(t("ws.opcode"), b0, f.Opcode), at}
	case f.Opcode >= behaviors.OpClose && !f.FIN:
		return &wsFault{fmt.Sprintf(t("ws.ctlfin"), b0), at}
	case f.Opcode >= behaviors.OpClose && f.Length > 125:
		return &wsFault{fmt.Sprintf(t("ws.ctllong"), f.Opcode, f.Length), at + 1}
	case f.Opcode == behaviors.OpContinuation && w.msgOp == 0:
		return &wsFault{fmt.Sprintf(t("ws.nocont"), b0), at}
	case (f.Opcode == behaviors.OpText || f.Opcode == behaviors.OpBinary) && w.msgOp != 0:
		return &wsFault{fmt.Sprintf(t("ws.nofin"), w.msgAt, w.msgB0, f.Opcode), w.msgAt}
	}
	return nil
}

// unended is the fault of a message that was begun without FIN and never
// finished, when nothing more came.
func (w *wsFrames) unended() *wsFault {
	if w.msgOp == 0 {
		return nil
	}
	return &wsFault{fmt.Sprintf(w.p.t("ws.unended"), w.msgAt, w.msgB0, roundDur(w.p.opt.Quiet)), w.msgAt}
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
