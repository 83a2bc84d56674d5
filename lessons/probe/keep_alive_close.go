package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The keep-alive lesson's two other ways a connection ends: after an
// HTTP/1.0 request that did not ask to keep it (RFC 9112 §9.3), and after
// a kept-alive connection has been silent too long (the lesson's 10 s).

// http10Closes: GET / in HTTP/1.0, as curl --http1.0 sends it, is
// answered, and then the server closes the connection. first is the
// set's first probe (see silentFirst).
func (p *prober) http10Closes(ctx context.Context, first Result) Result {
	const name = "ka-http10"
	raw := []byte("GET / HTTP/1.0\r\nHost: " + p.opt.Target + "\r\nUser-Agent: tubes-check\r\nAccept: */*\r\n\r\n")
	ex := &probeEx{command: "curl -v --http1.0 --max-time " + waitSecs(p.opt.Reply+p.opt.Quiet) + " " + shellQuote(p.url("/")), planned: raw}
	if res, skip := p.silentFirst(name, first, ex.command); skip {
		return res
	}
	c, release := p.dial(ctx, ex)
	defer release()
	var f *httpFramer
	if c != nil && ex.send(c, raw) {
		f = p.readResponse(c, ex, p.opt.Reply)
	}
	r := ex.analyze(0, f)
	res := ex.result(name)
	asked := p.t("what.http10")
	if p.judge(&res, ex, 0, r, asked, httpwire.FramingRules...) || !p.wantStatus(&res, 0, r, 200, asked) {
		return res
	}
	answered := ex.took()
	if !ex.closed && !ex.reset {
		// At once, as after Connection: close: a close that comes only
		// with the idle timeout is not the HTTP/1.0 rule being kept.
		p.read(c, ex, closeWait, nil, 0)
	}
	res = ex.result(name)
	res.patient = true
	if !ex.closed && !ex.reset {
		res.fail(Wrong, len(ex.received), p.t("ka10.open"), roundDur(closeWait))
		return res
	}
	res.Note = fmt.Sprintf(p.t("ka10.closed"), r.Version, statusOf(r), roundDur(answered))
	return res
}

// idleCloses: after one answered request, a connection that then stays
// silent is closed by the server, within --idle-wait. When first, the
// ka-first probe's verdict on the same request, failed, it is not sent:
// it could only fail the same way, after a long wait.
func (p *prober) idleCloses(ctx context.Context, first Result) Result {
	const name = "ka-idle"
	if !first.Pass && !p.dry {
		res := Result{Name: name, Caret: -1, Command: first.Command}
		res.notChecked(p.t("skip.firstfailed"))
		return res
	}
	req := getReq("/")
	ex := &probeEx{planned: req.bytes(p), limit: p.opt.Reply + p.opt.IdleWait,
		command: "time { printf " + shellQuote(printfFormat(req.bytes(p))) + "; sleep " + waitSecs(p.opt.IdleWait) + "; } | nc " + p.host() + " " + p.port()}
	c, release := p.dial(ctx, ex)
	defer release()
	var f *httpFramer
	if c != nil && ex.send(c, req.bytes(p)) {
		f = p.readResponse(c, ex, p.opt.Reply)
	}
	r := ex.analyze(0, f)
	res := ex.result(name)
	if p.judge(&res, ex, 0, r, "GET /", httpwire.FramingRules...) {
		return res
	}
	if ex.closed || ex.reset {
		res.fail(Wrong, len(ex.received), p.t("ka.closedfirst"), p.saysClose(r))
		return res
	}
	// The silence starts once the answer is in; whatever the server sends
	// before it closes (a 408, say) is fine.
	silent := ex.done
	p.read(c, ex, p.opt.IdleWait, nil, 0)
	after := roundDur(time.Since(silent))
	res = ex.result(name)
	res.patient = true
	if p.late(&res, ex) {
		return res
	}
	switch {
	case ex.closed, ex.reset:
		res.Note = fmt.Sprintf(p.t("kaidle.ok"), after)
	case ex.quiet:
		res.fail(TimedOut, len(ex.received), p.t("kaidle.open"), roundDur(p.opt.IdleWait))
	default:
		res.fail(Unreachable, -1, p.t("conn.failed"), ex.readErr)
	}
	return res
}
