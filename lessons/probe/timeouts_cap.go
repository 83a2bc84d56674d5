package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The timeouts lesson's other two guards: a header that trickles in is cut
// by a clock that bytes do not restart, and at most ConnCap connections
// are held at once, the next being refused at once.

// ConnCap is how many connections the timeouts lesson's server holds.
const ConnCap = 20

// slowHead is the start of a request whose header never ends: one more
// byte of the X-Slow header's value follows each trickle step.
const slowHead = "GET / HTTP/1.1\r\nHost: %s\r\nX-Slow: "

// trickleStep is the pause between the header probe's bytes: a second at
// the default --idle-wait, shorter when it is, and always well under the
// lesson's 5 s idle timeout, so that only a header clock can cut it.
func (p *prober) trickleStep() time.Duration {
	return min(time.Second, p.opt.IdleWait/15)
}

// headerCut: a header sent one byte at a time, never finished, is cut by
// the server within --idle-wait, though the client is never silent.
func (p *prober) headerCut(ctx context.Context) Result {
	const name = "header-timeout"
	step := p.trickleStep()
	head := []byte(fmt.Sprintf(slowHead, p.opt.Target))
	ex := &probeEx{planned: append(head, 'z'), limit: p.opt.IdleWait + p.opt.Reply,
		command: "time { printf " + shellQuote(printfFormat(head)) + "; while printf z; do sleep " +
			fmt.Sprintf("%.1f", step.Seconds()) + "; done; } | nc " + p.host() + " " + p.port()}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil || !ex.send(c, head) {
		p.silent(&res, ex, 0, p.t("what.slowhead"))
		return res
	}
	buf := make([]byte, 4096)
	end := ex.start.Add(p.opt.IdleWait)
	for !ex.closed && !ex.reset && ex.readErr == nil && time.Now().Before(end) {
		c.SetIdle(min(step, time.Until(end)))
		n, err := c.Read(buf)
		if n > 0 {
			ex.received = append(ex.received, buf[:min(n, KeepBytes-len(ex.received))]...)
			ex.total += n
			ex.last = time.Now()
		}
		if err != nil && !netTimeout(err) {
			ex.noteErr(err)
			break
		}
		if n == 0 && !ex.send(c, []byte("z")) {
			break
		}
	}
	ex.done = time.Now()
	res = ex.result(name)
	res.patient = true
	trickled := len(ex.sent) - len(head)
	switch {
	case ex.closed || ex.reset:
		res.Note = fmt.Sprintf(p.t("header.ok"), roundDur(ex.took()), trickled, roundDur(step))
		if len(ex.received) > 0 {
			res.Note += fmt.Sprintf(p.t("idle.sent"), len(ex.received))
		}
	case ex.readErr != nil:
		res.fail(Unreachable, -1, p.t("conn.failed"), ex.readErr)
	case len(ex.received) > 0:
		res.fail(Wrong, 0, p.t("header.answered"), len(ex.received), roundDur(ex.took()))
	default:
		res.fail(TimedOut, -1, p.t("header.open"), trickled, roundDur(step), roundDur(p.opt.IdleWait))
	}
	return res
}

// connCap: with ConnCap connections open and silent, one more is refused
// at once: closed before any answer, or answered 503. Then, once those
// are closed, a new connection is served again.
func (p *prober) connCap(ctx context.Context) []Result {
	const name, freed = "conn-cap", "cap-frees"
	req := getReq("/")
	ex := &probeEx{planned: req.bytes(p), command: fmt.Sprintf("for i in $(seq %d); do sleep 5 | nc %s %s & done; sleep 0.5; %s; wait",
		ConnCap, p.host(), p.port(), req.curl(p))}
	if p.dry {
		_, release := p.dial(ctx, ex)
		release()
		again := p.answers(ctx, freed, req, 200, nil)
		return []Result{ex.result(name), again}
	}
	// The server may still be giving back the places of the connections
	// it has just closed (the probes before this one).
	time.Sleep(min(p.opt.Quiet, 200*time.Millisecond))
	var held []*netcore.Conn
	defer func() {
		for _, h := range held {
			p.client.Release(h)
		}
	}()
	for len(held) < ConnCap {
		h, err := p.connect(ctx)
		if err != nil {
			ex.start = time.Now()
			ex.dialErr, ex.done = err, ex.start
			res := ex.result(name)
			p.silent(&res, ex, 0, "")
			res.Reason = fmt.Sprintf(p.t("cap.dial"), len(held)+1, ConnCap, res.Reason)
			return []Result{res, p.capSkipped(freed)}
		}
		held = append(held, h)
	}
	// Let the server take them all from its queue before the next one.
	time.Sleep(min(p.opt.Quiet, 200*time.Millisecond))
	if i := closedOf(held); i >= 0 {
		res := ex.result(name)
		res.fail(Wrong, -1, p.t("cap.fewer"), i+1, ConnCap)
		return []Result{res, p.capSkipped(freed)}
	}

	c, release := p.dial(ctx, ex)
	var f *httpFramer
	if c != nil && ex.send(c, req.bytes(p)) {
		f = p.readResponse(c, ex, p.opt.Reply)
	}
	release()
	r := ex.analyze(0, f)
	res := ex.result(name)
	res.patient = true
	what := fmt.Sprintf(p.t("what.capped"), ConnCap+1)
	switch {
	case ex.dialErr != nil || ex.overdue:
		p.silent(&res, ex, 0, what)
	case len(ex.received) == 0 && (ex.closed || ex.reset):
		res.Note = fmt.Sprintf(p.t("cap.refused"), ConnCap+1, ConnCap, roundDur(ex.took()))
		if ex.reset {
			res.Note += " " + p.t("idle.reset")
		}
	case len(ex.received) == 0:
		res.fail(TimedOut, -1, p.t("cap.waiting"), ConnCap+1, ConnCap, roundDur(ex.took()))
	case p.judge(&res, ex, 0, r, what, httpwire.FramingRules...):
	case r.Status == 503:
		res.Note = fmt.Sprintf(p.t("cap.503"), ConnCap+1, ConnCap, roundDur(ex.took()))
	default:
		res.fail(Wrong, len("HTTP/1.1 "), p.t("cap.served"), ConnCap+1, statusOf(r), roundDur(ex.took()), ConnCap)
	}
	if !res.Pass {
		return []Result{res, p.capSkipped(freed)}
	}
	for _, h := range held {
		p.client.Release(h)
	}
	held = nil
	return []Result{res, p.capFreed(ctx)}
}

// closedOf is the index of the first of held that the server has already
// closed or reset, or -1.
func closedOf(held []*netcore.Conn) int {
	var b [1]byte
	for i, h := range held {
		h.SetIdle(time.Millisecond)
		if _, err := h.Read(b[:]); err != nil && !netTimeout(err) {
			return i
		}
	}
	return -1
}

// capFreed wants a connection served once the held ones are closed: a
// server that forgets to give a slot back turns everyone away once it has
// seen ConnCap clients.
func (p *prober) capFreed(ctx context.Context) Result {
	const name = "cap-frees"
	// The server learns of the closes a moment later: a refusal within
	// that moment is tried again.
	var res Result
	for try := 0; try < 5; try++ {
		time.Sleep(min(p.opt.Quiet, 100*time.Millisecond))
		res = p.answers(ctx, name, getReq("/"), 200, nil)
		if res.Kind != ClosedEarly && res.Kind != WasReset {
			break
		}
	}
	if !res.Pass && (res.Kind == ClosedEarly || res.Kind == WasReset) {
		res.Reason += fmt.Sprintf(p.t("cap.notfreed"), ConnCap)
	}
	return res
}

func (p *prober) capSkipped(name string) Result {
	r := Result{Name: name, Caret: -1}
	r.notChecked(p.t("cap.skipped"))
	return r
}

// timeoutsGuards are the probes the timeouts set adds to idle-close.
func (p *prober) timeoutsGuards(ctx context.Context) []Result {
	return append([]Result{p.headerCut(ctx)}, p.connCap(ctx)...)
}
