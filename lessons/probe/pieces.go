package probe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore/httpwire"
)

// Requests in pieces: TCP is a byte stream, so a request may come split
// anywhere, or two may come in one read. Servers that answer every read,
// or parse only their first read, fail these, with a reason that points
// at the byte-stream lesson.

// piecesProbes are the three: a request split mid-line, a body after its
// header (when post is given, with its route's status), and two requests
// pipelined in one write.
func (p *prober) piecesProbes(ctx context.Context, post *httpReq) []Result {
	get := getReq("/")
	out := []Result{p.inPieces(ctx, "split-line", get, 8)}
	if post != nil {
		head := len(post.bytes(p)) - len(post.body)
		out = append(out, p.inPieces(ctx, "late-body", *post, head))
	}
	return append(out, p.pipelined(ctx))
}

// inPieces sends req in two writes, split at cut, with a pause between,
// and wants one well-framed 200.
func (p *prober) inPieces(ctx context.Context, id string, req httpReq, cut int) Result {
	b := req.bytes(p)
	ex := &probeEx{command: fmt.Sprintf("(printf %s; sleep 1; printf %s) | nc -w %s %s %s", shellQuote(printfFormat(b[:cut])), shellQuote(printfFormat(b[cut:])), waitSecs(p.opt.Reply), p.host(), p.port()), planned: b}
	c, release := p.dial(ctx, ex)
	defer release()
	var f *httpFramer
	if c != nil && ex.send(c, b[:cut]) {
		// An answer to the first piece alone is the mistake.
		p.read(c, ex, p.opt.Pause, nil, 0)
		ex.quiet = false
		if len(ex.received) == 0 && !ex.closed && !ex.reset {
			time.Sleep(p.opt.Pause)
			if ex.send(c, b[cut:]) {
				f = p.readResponse(c, ex, p.opt.Reply)
			}
		}
	}
	res := ex.result(id)
	if len(ex.received) > 0 && f == nil {
		r := ex.analyze(0, newFramerOver(ex.received))
		res.fail(Wrong, 0, p.t("pieces.early"), len(b[:cut]), p.statusSaid(r, ex.received))
		p.addHint(&res)
		return res
	}
	if f == nil && (ex.closed || ex.reset) {
		res.fail(ClosedEarly, -1, p.t("pieces.closed"), cut)
		p.addHint(&res)
		return res
	}
	r := ex.analyze(0, f)
	if p.judge(&res, ex, 0, r, p.t("pieces.what"), httpwire.FramingRules...) {
		p.addHint(&res)
		return res
	}
	if r.Status != 200 {
		res.fail(Wrong, len("HTTP/1.1 "), p.t("pieces.status"), statusOf(r), p.t("pieces.hint"))
		return res
	}
	res.Note = fmt.Sprintf(p.t("pieces.ok"), cut, len(b)-cut, roundDur(p.opt.Pause))
	return res
}

// addHint adds the byte-stream hint to res's reason, as a sentence of
// its own: a reason may end without a full stop.
func (p *prober) addHint(res *Result) {
	res.Reason = sentences(res.Reason, p.t("pieces.hint"))
}

// sentences joins two sentences, ending the first with a full stop (in
// English and Korean alike) when it has none.
func sentences(a, b string) string {
	a = strings.TrimRight(a, " ")
	if !strings.HasSuffix(a, ".") {
		a += "."
	}
	return a + " " + b
}

// newFramerOver is a framer fed b at once.
func newFramerOver(b []byte) *httpFramer {
	f := newHTTPFramer()
	f.feed(b)
	return f
}

// pipelined sends two GET / in one write and wants two responses. One
// response, then a close at once (within closeWait), passes too, whether
// or not it said Connection: close: a client then sends the second again
// on a new connection (RFC 9112 §9.3.2). A close that comes only later,
// at the server's idle timeout, leaves the second request unanswered.
func (p *prober) pipelined(ctx context.Context) Result {
	one := getReq("/").bytes(p)
	both := append(append([]byte(nil), one...), one...)
	ex := &probeEx{command: p.ncCommand(both), planned: both}
	c, release := p.dial(ctx, ex)
	defer release()
	var f1 *httpFramer
	if c != nil && ex.send(c, both) {
		f1 = p.readResponse(c, ex, p.opt.Reply)
	}
	res := ex.result("pipelined")
	r1 := ex.analyze(0, f1)
	if f1 != nil && f1.complete() && f1.end <= len(ex.received) {
		// Judge the first response alone: the second follows it.
		r1 = analyze(ex.received[:f1.end], f1.end, nil, false)
	}
	if p.judge(&res, ex, 0, r1, p.t("pipe.what1"), httpwire.FramingRules...) {
		return res
	}
	base := r1.End
	if base < 0 || base > len(ex.received) {
		base = len(ex.received) // past what a probe keeps
	}
	answered := ex.done // the first response was complete then
	f2 := newFramerOver(ex.received[base:])
	if !f2.complete() && !ex.closed && !ex.reset {
		p.read(c, ex, p.opt.Reply, f2.feed, min(p.opt.Quiet, 200*time.Millisecond))
		f2 = newFramerOver(ex.received[base:])
	}
	res = ex.result("pipelined")
	if len(ex.received) == base && (ex.closed || ex.reset) {
		if after := ex.done.Sub(answered); after > closeWait {
			res.fail(ClosedEarly, len(ex.received), p.t("pipe.lateclose"), roundDur(after), roundDur(closeWait))
			p.addHint(&res)
			return res
		}
		res.Note = p.t("pipe.closed")
		return res
	}
	r2 := ex.analyze(base, f2)
	if len(ex.received) == base {
		res.fail(TimedOut, -1, p.t("pipe.none"), roundDur(p.opt.Reply), p.t("pieces.hint"))
		return res
	}
	if p.judge(&res, ex, base, r2, p.t("pipe.what2"), httpwire.FramingRules...) {
		p.addHint(&res)
		return res
	}
	res.Note = p.t("pipe.ok")
	return res
}

// heldOpen: connection A sends half a request and waits; B's whole
// request must be answered meanwhile, however fast the handler is. A
// server that serves one connection at a time is stuck reading A.
func (p *prober) heldOpen(ctx context.Context) Result {
	req := getReq("/").bytes(p)
	half := len(req) / 2
	a := &probeEx{command: fmt.Sprintf("(printf %s; sleep 5) | nc -w 6 %s %s & sleep 0.5; curl -v --max-time 3 %s", shellQuote(printfFormat(req[:half])), p.host(), p.port(), shellQuote(p.url("/"))), planned: req[:half]}
	ca, release := p.dial(ctx, a)
	defer release()
	if ca == nil || !a.send(ca, req[:half]) {
		res := a.result("held-open")
		p.silent(&res, a, 0, "")
		return res
	}
	time.Sleep(p.opt.Pause)
	b := p.httpExchange(ctx, getReq("/"), 0)
	res := b.result("held-open")
	res.Command = a.command
	if p.judge(&res, b, 0, b.resp, p.t("held.what"), httpwire.FramingRules...) {
		if res.Kind == TimedOut {
			// Still a timeout: the reason says why it timed out.
			res.Reason = fmt.Sprintf(p.t("held.stuck"), roundDur(p.opt.Reply))
		}
		return res
	}
	res.Note = fmt.Sprintf(p.t("held.ok"), half, roundDur(b.took()))
	return res
}
