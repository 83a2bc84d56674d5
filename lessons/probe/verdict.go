package probe

import (
	"fmt"
)

// Verdict is how a result reads: PASS, WARN (right, but short of a SHOULD,
// or slow), FAIL (breaks a MUST or the lesson's spec), or SKIP (not
// checked, because an earlier failure left nothing to judge). Only a FAIL
// makes the check fail.
type Verdict string

const (
	VerdictPass Verdict = "PASS"
	VerdictWarn Verdict = "WARN"
	VerdictFail Verdict = "FAIL"
	VerdictSkip Verdict = "SKIP"
)

// Verdict says how r reads.
func (r Result) Verdict() Verdict {
	switch {
	case r.Kind == NotChecked:
		return VerdictSkip
	case !r.Pass:
		return VerdictFail
	case r.Kind == Warned || r.Kind == Slow:
		return VerdictWarn
	}
	return VerdictPass
}

// warn turns a pass into a WARN with a reason; a failure stays one.
func (r *Result) warn(kind Outcome, format string, args ...any) {
	if !r.Pass || r.Kind == Warned || r.Kind == Slow {
		return
	}
	r.Kind, r.Reason = kind, fmt.Sprintf(format, args...)
}

// notChecked marks a knock-on result: why says which failure left it
// nothing to judge.
func (r *Result) notChecked(why string) {
	r.Pass, r.Kind, r.Caret, r.Reason = false, NotChecked, -1, why
}

// settle finishes the results once every probe ran: a right reply that
// came later than opt.Slow is a WARN, and a server that stopped listening
// partway is named once, at the first probe that found it gone (the rest
// are not checked).
func (p *prober) settle(results []Result) {
	p.mu.Lock()
	up := p.up
	p.mu.Unlock()
	stopped := -1
	for i := range results {
		r := &results[i]
		p.name(r)
		if r.Verdict() == VerdictPass && !r.patient && r.ex != nil && r.Total > 0 && r.Took > p.opt.Slow {
			r.warn(Slow, p.t("warn.slow"), roundDur(r.Took), roundDur(p.opt.Slow))
		}
		if !up || r.Kind != NotListening {
			continue
		}
		if stopped < 0 {
			stopped = i
			r.Reason = fmt.Sprintf(p.t("stopped"), p.opt.Target, i)
			continue
		}
		r.notChecked(fmt.Sprintf(p.t("stopped.after"), stopped+1))
	}
}

// name gives r its ID and its name in the check's language, when its
// name is a probe's id (probe.ID.name in check.txt).
func (p *prober) name(r *Result) {
	if r.ID != "" {
		return
	}
	if n, ok := Words(p.opt.Lang)["probe."+r.Name+".name"]; ok {
		r.ID, r.Name = r.Name, n
	}
}
