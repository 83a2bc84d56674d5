package probe

import (
	"context"
	"fmt"
)

// Two refusals the http-request lesson asks for (and the keep-alive
// lesson's starter repeats): an HTTP/1.1 request without Host gets 400
// (RFC 9112 §3.2), and a body in a transfer coding the server cannot
// undo gets 501 (RFC 9110 §15.6.2, RFC 9112 §6.1).

// unknownCoding is a Transfer-Encoding no lesson's server decodes: gzip
// before chunked. chunked comes last, as it must in a request, so the
// body's end is still plain (RFC 9112 §6.3): only the coding is unknown.
const unknownCoding = "gzip, chunked"

// noHostReq is GET / in HTTP/1.1 with every header curl sends but Host.
func noHostReq() httpReq {
	return httpReq{raw: []byte("GET / HTTP/1.1\r\nUser-Agent: tubes-check\r\nAccept: */*\r\n\r\n")}
}

// unknownCodingReq is a POST whose body says Transfer-Encoding: gzip,
// chunked; the body is the last chunk alone, so it is complete.
func (p *prober) unknownCodingReq() httpReq {
	return httpReq{raw: []byte("POST /form HTTP/1.1\r\nHost: " + p.opt.Target +
		"\r\nUser-Agent: tubes-check\r\nTransfer-Encoding: " + unknownCoding + "\r\n\r\n0\r\n\r\n")}
}

// noHost400: an HTTP/1.1 request without Host is answered 400. first is
// the set's first probe (see silentFirst).
func (p *prober) noHost400(ctx context.Context, first Result) Result {
	if res, skip := p.silentFirst("no-host-400", first, noHostReq().curl(p)); skip {
		return res
	}
	res := p.answers(ctx, "no-host-400", noHostReq(), 400, nil)
	switch res.Kind {
	case Wrong:
		res.Reason += p.t("nohost.wrong")
	case ClosedEarly:
		res.Reason += p.t("nohost.closed")
	}
	return res
}

// coding501: a Transfer-Encoding the server does not know is answered 501.
func (p *prober) coding501(ctx context.Context, first Result) Result {
	if res, skip := p.silentFirst("coding-501", first, p.unknownCodingReq().curl(p)); skip {
		return res
	}
	res := p.answers(ctx, "coding-501", p.unknownCodingReq(), 501, nil)
	switch res.Kind {
	case Wrong:
		res.Reason += fmt.Sprintf(p.t("coding.wrong"), unknownCoding)
	case ClosedEarly:
		res.Reason += fmt.Sprintf(p.t("coding.closed"), unknownCoding)
	}
	return res
}

// silentFirst is a knock-on: when the set's first request got no answer in
// time, a probe that only asks something else would wait as long again
// for nothing, so it is not sent (a server that answers wrongly, or hangs
// up, is still asked).
func (p *prober) silentFirst(name string, first Result, command string) (Result, bool) {
	if p.dry || first.Pass || first.Kind != TimedOut && first.Kind != Overdue {
		return Result{}, false
	}
	res := Result{Name: name, Caret: -1, Command: command}
	res.notChecked(p.t("skip.silent"))
	return res, true
}
