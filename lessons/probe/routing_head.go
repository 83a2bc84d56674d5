package probe

import (
	"context"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The routing lesson's HEAD: "HEAD is answered like GET, without the
// body" (RFC 9110 §9.3.2). The files lesson's head probe judges the
// answer; here it must also carry the headers GET / got.

// headLikeGet runs the head probe and compares its Content-Length and
// Content-Type with those of get, the get-root probe's answer.
func (p *prober) headLikeGet(ctx context.Context, get Result) Result {
	if res, skip := p.silentFirst("head", get, "curl -I "+shellQuote(p.url("/"))); skip {
		return res
	}
	res := p.headProbe(ctx)
	if !res.Pass || !get.Pass {
		return res
	}
	g := httpwire.AnalyzeResponse(get.Received, true)
	h := httpwire.AnalyzeResponse(res.Received, true)
	for _, name := range []string{"Content-Length", "Content-Type"} {
		gv, gok := g.Get(name)
		hv, hok := h.Get(name)
		if !gok || !hok && name == "Content-Length" {
			// HEAD may leave out a length GET sends (RFC 9110 §8.6).
			continue
		}
		if hv != gv {
			shown := p.t("head.none")
			if hok {
				shown = netcore.Escape([]byte(hv))
			}
			res.fail(Wrong, -1, p.t("head.differs"), name, shown, netcore.Escape([]byte(gv)))
			return res
		}
	}
	return res
}
