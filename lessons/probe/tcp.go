package probe

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The probes of the lessons below HTTP: connections, replies, streams.

// probeAccept: the server accepts a connection.
// probeAccept: the server accepts a connection, and closes one that
// stays silent (the lesson's server does after 10 s; --idle-wait).
func probeAccept(ctx context.Context, p *prober) []Result {
	return []Result{p.accepts(ctx), probeTimeouts(ctx, p)}
}

func (p *prober) accepts(ctx context.Context) Result {
	ex := &probeEx{command: "nc -vz -w " + waitSecs(p.opt.Reply) + " " + p.host() + " " + p.port()}
	c, release := p.dial(ctx, ex)
	defer release()
	if c == nil {
		res := ex.result("accepts")
		p.silent(&res, ex, 0, "")
		return res
	}
	ex.done = time.Now()
	res := ex.result("accepts")
	res.Ending = "open"
	res.Note = fmt.Sprintf(p.t("accept.ok"), c.LocalAddr(), c.RemoteAddr(), roundDur(ex.took()))
	return res
}

// probeClient: the server accepts, and closes its side when the client
// closes.
func probeClient(ctx context.Context, p *prober) []Result {
	return []Result{p.accepts(ctx), p.closesAfterClient(ctx)}
}

func (p *prober) closesAfterClient(ctx context.Context) Result {
	const name = "client-close"
	ex := &probeEx{command: "nc -w " + waitSecs(p.opt.Reply) + " -N " + p.host() + " " + p.port() + " </dev/null; echo closed",
		sends: p.t("probe.client-close.sends")}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil {
		p.silent(&res, ex, 0, "")
		return res
	}
	sentFIN := time.Now()
	if err := c.CloseWrite(); err != nil {
		ex.noteErr(err)
	}
	// Whatever the server sends first is fine; what matters is its close.
	p.read(c, ex, p.opt.Reply, nil, 0)
	res = ex.result(name)
	after := roundDur(time.Since(sentFIN))
	if p.late(&res, ex) {
		return res
	}
	switch {
	case ex.closed:
		res.Note = fmt.Sprintf(p.t("fin.ok"), after)
	case ex.reset:
		res.fail(WasReset, -1, "%s", p.t("fin.reset"))
	case ex.quiet:
		res.fail(TimedOut, -1, p.t("fin.open"), roundDur(p.opt.Reply))
	default:
		res.fail(Unreachable, -1, p.t("conn.failed"), ex.readErr)
	}
	return res
}

// probePingPong: the server answers a message.
func probePingPong(ctx context.Context, p *prober) Result {
	msg := append(append([]byte(nil), behaviors.HelloMessage...), '\n')
	ex := &probeEx{command: p.ncCommand(msg), planned: msg}
	c, release := p.dial(ctx, ex)
	defer release()
	const name = "pingpong"
	if c != nil && ex.send(c, msg) {
		p.read(c, ex, p.opt.Reply, func([]byte) bool { return true }, min(p.opt.Quiet, 300*time.Millisecond))
	}
	res := ex.result(name)
	if p.silent(&res, ex, 0, p.t("what.message")) {
		return res
	}
	res.Note = fmt.Sprintf(p.t("ping.ok"), len(ex.received), roundDur(ex.took()))
	if ex.reset {
		res.Note += p.t("ping.reset")
	}
	return res
}

// streamPieces are the byte-stream probe's writes: three lines, broken in
// odd places, as in the lesson.
var (
	streamPieces = []string{"first li", "ne\nsecond line\nthi", "rd line\n"}
	streamLines  = []string{"first line", "second line", "third line"}
)

// probeByteStream: the server frames the stream by newlines, whatever
// the reads return.
func probeByteStream(ctx context.Context, p *prober) Result {
	const name = "lines"
	ex := &probeEx{command: fmt.Sprintf("(printf 'first li'; sleep 0.3; printf 'ne\\nsecond line\\nthi'; sleep 0.3; printf 'rd line\\n'; sleep 1) | nc -w 3 %s %s", p.host(), p.port()),
		planned: []byte(strings.Join(streamPieces, ""))}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil {
		p.silent(&res, ex, 0, "")
		return res
	}
	// A greeting sent on connect is not an answer to anything.
	p.read(c, ex, p.opt.Pause, nil, 0)
	greeting := len(ex.received)
	ex.quiet = false
	if ex.closed || ex.reset {
		res = ex.result(name)
		kind, key := ClosedEarly, "lines.closedfirst"
		if ex.reset {
			kind, key = WasReset, "lines.resetfirst"
		}
		res.fail(kind, -1, "%s", p.t(key))
		return res
	}
	for i, piece := range streamPieces {
		if !ex.send(c, []byte(piece)) {
			break
		}
		if i == 0 {
			// No line is complete yet: a line-framing server says nothing.
			p.read(c, ex, p.opt.Pause, nil, 0)
			if len(ex.received) > greeting {
				res = ex.result(name)
				res.fail(Wrong, greeting, p.t("lines.early"), piece)
				return res
			}
			ex.quiet = false
			if ex.closed || ex.reset {
				break
			}
			continue
		}
		if i < len(streamPieces)-1 {
			time.Sleep(p.opt.Pause)
		}
	}
	if !ex.closed && !ex.reset && ex.readErr == nil {
		ex.quiet = false
		p.read(c, ex, p.opt.Reply, func([]byte) bool {
			reply := ex.received[greeting:]
			return streamAnswered(reply) == len(streamLines) || bytes.Count(reply, []byte("\n")) >= len(streamLines)
		}, min(p.opt.Quiet, 200*time.Millisecond))
	}
	res = ex.result(name)
	if p.silent(&res, ex, greeting, p.t("what.lines")) {
		return res
	}
	reply := ex.received[greeting:]
	got, lines := streamAnswered(reply), bytes.Count(reply, []byte("\n"))
	if got == 0 && lines >= len(streamLines) {
		// Answers that do not repeat the text, like "ok": three lines,
		// and none before the first line was whole, is framing done right.
		res.Note = fmt.Sprintf(p.t("lines.anyok"), lines)
		return res
	}
	if got < len(streamLines) {
		why := p.t("lines.thenquiet")
		switch {
		case ex.closed:
			why = p.t("lines.thenclosed")
		case ex.reset:
			why = p.t("lines.thenreset")
		}
		res.fail(Wrong, greeting+streamMissAt(reply), p.t("lines.missing"), got, lines, why)
		return res
	}
	res.Note = fmt.Sprintf(p.t("lines.ok"), bytes.Count(reply, []byte("\n")))
	if greeting > 0 {
		res.Note += " " + fmt.Sprintf(p.t("lines.greeting"), greeting)
	}
	return res
}

// streamAnswered counts how many of streamLines the reply names, in order,
// each on a line of its own.
func streamAnswered(reply []byte) int {
	lines := bytes.Split(reply, []byte("\n"))
	n := 0
	for _, l := range lines {
		if n < len(streamLines) && bytes.Contains(l, []byte(streamLines[n])) {
			n++
		}
	}
	return n
}

// streamMissAt is the offset in reply where the first missing answer
// should have been: the start of the first line that does not name it.
func streamMissAt(reply []byte) int {
	n, off := 0, 0
	for _, l := range bytes.SplitAfter(reply, []byte("\n")) {
		if n < len(streamLines) && bytes.Contains(l, []byte(streamLines[n])) {
			n++
			off += len(l)
			continue
		}
		return off
	}
	return len(reply)
}

// probeTimeouts: the server closes a connection that stays idle.
func probeTimeouts(ctx context.Context, p *prober) Result {
	const name = "idle-close"
	ex := &probeEx{command: "time nc -d -w " + waitSecs(p.opt.IdleWait+p.opt.Reply) + " " + p.host() + " " + p.port(), limit: p.opt.IdleWait + p.opt.Reply}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil {
		p.silent(&res, ex, 0, "")
		return res
	}
	// Read until the server closes; bytes it sends first (a 408, say) are
	// fine. Every byte restarts the wait, as it would restart its timer.
	quiet := p.opt.Quiet
	p.opt.Quiet = p.opt.IdleWait
	p.read(c, ex, p.opt.IdleWait, nil, 0)
	p.opt.Quiet = quiet
	res = ex.result(name)
	res.patient = true
	took := roundDur(ex.took())
	if p.late(&res, ex) {
		return res
	}
	switch {
	case ex.closed, ex.reset:
		res.Note = fmt.Sprintf(p.t("idle.ok"), took)
		if ex.reset {
			res.Note += " " + p.t("idle.reset")
		}
		if len(ex.received) > 0 {
			res.Note += fmt.Sprintf(p.t("idle.sent"), len(ex.received))
		}
	case ex.quiet:
		res.fail(TimedOut, -1, p.t("idle.open"), roundDur(p.opt.IdleWait))
	default:
		res.fail(Unreachable, -1, p.t("conn.failed"), ex.readErr)
	}
	return res
}
