package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The websocket lesson's other promises, each on a connection of its own:
// the server sends "tick N" every second whatever the client does, and it
// fails the connection with a close code (RFC 6455 §7.4.1) for a frame
// that breaks the rules: 1002 for an unmasked one, 1009 for one larger
// than the lesson's 64 KiB.

// wsNoMask is the payload of the unmasked frame, as the lesson's own demo
// sends it.
var wsNoMask = []byte("no mask")

// wsTooBig is the length the too-big frame's header announces.
const wsTooBig = behaviors.MaxFramePayload + 1

// wsOpen connects and upgrades, judging the 101 into res. It returns the
// connection (nil when res already failed), the offset of the first frame
// in ex.received, and the release.
func (p *prober) wsOpen(ctx context.Context, name string, ex *probeEx) (*netcore.Conn, int, Result, func()) {
	key, _ := p.wsRandom()
	req := []byte("GET " + behaviors.WebSocketPath + " HTTP/1.1\r\nHost: " + p.opt.Target + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
	ex.planned = append(req, ex.planned...)
	c, release := p.dial(ctx, ex)
	res := ex.result(name)
	if c == nil || !ex.send(c, req) {
		p.silent(&res, ex, 0, p.t("what.upgrade"))
		return nil, 0, res, release
	}
	p.wsRead(c, ex, 0, func(b []byte) bool { return bytes.Contains(b, []byte("\r\n\r\n")) })
	res = ex.result(name)
	if p.silent(&res, ex, 0, p.t("what.upgrade")) {
		return nil, 0, res, release
	}
	end := bytes.Index(ex.received, []byte("\r\n\r\n"))
	if !p.judgeUpgrade(&res, ex.received, end, key) {
		res.Reason = fmt.Sprintf(p.t("ws.upfirst"), res.Reason)
		return nil, 0, res, release
	}
	return c, end + 4, res, release
}

// wsTicks: two text frames "tick N" and "tick N+1" come unasked.
func (p *prober) wsTicks(ctx context.Context) Result {
	const name = "ws-ticks"
	ex := &probeEx{command: "websocat " + shellQuote("ws://"+p.opt.Target+behaviors.WebSocketPath)}
	c, from, res, release := p.wsOpen(ctx, name, ex)
	defer release()
	if c == nil {
		return res
	}
	// Each tick may take up to Reply: the lesson's come every second.
	quiet := p.opt.Quiet
	p.opt.Quiet = max(quiet, p.opt.Reply)
	var ticks []int
	var bad *wsFault
	frames := &wsFrames{p: p, ex: ex, pos: from}
	p.wsRead(c, ex, from, func([]byte) bool {
		_, bad = frames.next(func(m wsMessage) bool {
			if n, ok := tickNumber(m); ok {
				ticks = append(ticks, n)
			}
			return false
		})
		return len(ticks) >= 2 || bad != nil
	})
	p.opt.Quiet = quiet
	res = ex.result(name)
	res.patient = true
	switch {
	case bad != nil:
		res.fail(Malformed, bad.at, "%s", bad.reason)
	case p.late(&res, ex):
	case len(ticks) < 2:
		res.fail(TimedOut, -1, p.t("ws.noticks"), len(ticks), roundDur(ex.took()))
	case ticks[1] != ticks[0]+1:
		res.fail(Wrong, -1, p.t("ws.tickorder"), ticks[0], ticks[1])
	default:
		res.Note = fmt.Sprintf(p.t("ws.ticked"), ticks[0], ticks[1], roundDur(ex.took()))
	}
	return res
}

// tickNumber reads "tick N" from a text message.
func tickNumber(m wsMessage) (int, bool) {
	if m.opcode != behaviors.OpText {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(m.payload), "tick ")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// wsRefuses: after the upgrade, frame is sent, and the server must answer
// with a close frame of code want and then close the TCP connection.
// more, when set, is sent if nothing comes within a moment (the payload a
// server may want before it judges the length).
func (p *prober) wsRefuses(ctx context.Context, name string, frame, more []byte, want int, why string) Result {
	ex := &probeEx{planned: frame}
	c, from, res, release := p.wsOpen(ctx, name, ex)
	defer release()
	ex.command = p.wsCommand(ex.planned)
	res.Command = ex.command
	if c == nil {
		return res
	}
	sentAt := len(ex.sent)
	if !ex.send(c, frame) {
		res = ex.result(name)
		res.fail(ClosedEarly, -1, "%s", p.t("ws.endedframe"))
		return res
	}
	var got *wsMessage
	var bad *wsFault
	frames := &wsFrames{p: p, ex: ex, pos: from}
	isClose := func([]byte) bool {
		got, bad = frames.next(func(m wsMessage) bool { return m.opcode == behaviors.OpClose })
		return got != nil || bad != nil
	}
	if more != nil {
		// A moment for a server that judges the header alone; then the
		// payload, for one that reads it first.
		reply := p.opt.Reply
		p.opt.Reply = min(reply, p.opt.Quiet, time.Second)
		p.wsRead(c, ex, from, isClose)
		p.opt.Reply = reply
		if got == nil && bad == nil && !ex.closed && !ex.reset {
			ex.quiet = false
			ex.send(c, more)
		}
	}
	if got == nil && bad == nil && !ex.closed && !ex.reset {
		p.wsRead(c, ex, from, isClose)
	}
	if got != nil && !ex.closed && !ex.reset {
		p.wsRead(c, ex, len(ex.received), func([]byte) bool { return false }) // wait for the FIN
	}
	res = ex.result(name)
	// The frame's header is what is shown; not a payload of 64 KiB.
	res.Sent = ex.sent[sentAt:min(len(ex.sent), sentAt+len(frame))]
	switch {
	case bad != nil:
		res.fail(Malformed, bad.at, "%s", bad.reason)
	case p.late(&res, ex):
	case got == nil && (ex.closed || ex.reset):
		res.fail(Wrong, -1, p.t("ws.hungup"), why, want)
	case got == nil:
		res.fail(TimedOut, -1, p.t("ws.norefusal"), why, roundDur(ex.took()), want)
	default:
		code, reason, err := behaviors.ParseClose(got.payload)
		switch {
		case err != nil:
			res.fail(Malformed, -1, p.t("ws.badclose"), p.errText(err))
		case code != want:
			res.fail(Wrong, -1, p.t("ws.refusecode"), why, code, want)
		case !ex.closed && !ex.reset:
			res.fail(TimedOut, -1, p.t("ws.refuseopen"), roundDur(p.opt.Quiet))
		default:
			res.Note = fmt.Sprintf(p.t("ws.refused"), code, netcore.Escape([]byte(reason)))
		}
	}
	return res
}

// wsUnmasked: an unmasked text frame gets close 1002.
func (p *prober) wsUnmasked(ctx context.Context) Result {
	frame := behaviors.AppendFrame(nil, true, behaviors.OpText, nil, wsNoMask)
	return p.wsRefuses(ctx, "ws-unmasked-1002", frame, nil, behaviors.CloseProtocol, p.t("ws.why.unmasked"))
}

// wsOversized: a masked text frame whose header says 64 KiB + 1 gets
// close 1009. The payload follows only if the server waits for it.
func (p *prober) wsOversized(ctx context.Context) Result {
	_, mask := p.wsRandom()
	head := []byte{0x80 | behaviors.OpText, 0x80 | 127}
	head = binary.BigEndian.AppendUint64(head, wsTooBig)
	head = append(head, mask[:]...)
	payload := bytes.Repeat([]byte("a"), wsTooBig)
	for i := range payload {
		payload[i] ^= mask[i%4]
	}
	return p.wsRefuses(ctx, "ws-too-big-1009", head, payload, behaviors.CloseTooBig,
		fmt.Sprintf(p.t("ws.why.toobig"), wsTooBig, behaviors.MaxFramePayload))
}

// wsMore are the websocket probes after the echo and the close. When up,
// the first probe's upgrade, failed, each of them would fail the same way
// after the same wait: they are not run.
func (p *prober) wsMore(ctx context.Context, up Result) []Result {
	if !up.Pass && !p.dry {
		var out []Result
		for _, n := range []string{"ws-ticks", "ws-unmasked-1002", "ws-too-big-1009"} {
			r := Result{Name: n, Caret: -1, Command: up.Command}
			r.notChecked(p.t("ws.skipped"))
			out = append(out, r)
		}
		return out
	}
	return []Result{p.wsTicks(ctx), p.wsUnmasked(ctx), p.wsOversized(ctx)}
}

// wsCommand sends b, an upgrade and a frame, with printf and nc, and shows
// the reply with od -c. Every byte outside printable ASCII is written as
// an octal escape: a frame's bytes are not text, and the command is shown
// on a terminal.
func (p *prober) wsCommand(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c == '%':
			sb.WriteString("%%")
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\%03o`, c)
		}
	}
	return "printf " + shellQuote(sb.String()) + " | nc -w " + waitSecs(p.opt.Reply) + " " + p.host() + " " + p.port() + " | od -c"
}
