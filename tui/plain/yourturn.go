package plain

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// The Your-turn step as lines: run COMMAND (or run HOST:PORT) starts the
// same check the screen runs (lessons/yourturn), each probe comes back as
// one line with its verdict in words, and a save runs it again.

// newBuild is Run's check of the learner's server, its tap on cfg.Server.
func (r *runner) newBuild() *yourturn.Run {
	return yourturn.New(yourturn.Host{Tap: r.tap, Through: r.cfg.Addr.HostPort(), Lang: r.cfg.Course.Lang, UI: r.cfg.UI})
}

// tap puts the tap in front of target, or back on the step's own server
// for "".
func (r *runner) tap(target string) error {
	if target == "" {
		r.cfg.Server.SetBehavior(r.currentStep().Behavior)
		return nil
	}
	hp, err := netcore.ParseTarget(target)
	if err != nil {
		return err
	}
	if r.cfg.Server.Reaches(hp) {
		return yourturn.ErrOwnAddress
	}
	r.cfg.Server.SetBehavior(netcore.Tap{Target: hp.String()})
	return nil
}

// jobs runs the check's blocking work off the loop; each outcome comes
// back to it through buildMsgs, or is dropped once Run is gone.
func (r *runner) jobs(jobs []yourturn.Job) {
	ctx, msgs := r.actx, r.buildMsgs
	for _, j := range jobs {
		go func() {
			select {
			case msgs <- j():
			case <-ctx.Done():
			}
		}()
	}
}

// run starts the check with what follows run (empty: the last one).
func (r *runner) run(text string) {
	if !r.currentStep().YourTurn() {
		r.line(r.t("plain.run.notyourturn"))
		return
	}
	if text = strings.TrimSpace(text); text == "" {
		text = r.build.Last()
	}
	if text == "" {
		r.line(r.runHow())
		return
	}
	r.line(fmt.Sprintf(r.t("plain.run.start"), netcore.Quote(text)))
	r.jobs(r.build.Start(r.current().ID, text))
	if !r.build.Running() { // the address was refused at once
		r.showResults()
	}
}

// onBuild takes a job's outcome.
func (r *runner) onBuild(msg yourturn.Msg) {
	dir := r.shownDir() // a new run learns its directory anew
	jobs, ev := r.build.Handle(msg)
	switch ev {
	case yourturn.Ended:
		r.drain() // the probes' exchanges come before their verdicts
		r.showResults()
	case yourturn.Again:
		r.line(fmt.Sprintf(r.t("plain.run.saved"), dir))
	}
	r.jobs(jobs)
}

// showResults prints the check's outcome: a line per probe, the counts, the
// first failure's reason, why the server is not there and its last
// lines, then whether the step is done and what comes next.
func (r *runner) showResults() {
	b := r.build
	for _, l := range b.Lines() {
		r.line(r.t("build.verdict."+string(l.Verdict)) + ": " + l.Name)
	}
	if b.Report() != nil {
		n := b.Counts()
		r.line(fmt.Sprintf(r.t("build.summary"), n[probe.VerdictPass], n[probe.VerdictFail], n[probe.VerdictWarn], n[probe.VerdictSkip]))
	}
	if reason := b.Reason(); reason != "" {
		r.line(r.t("build.reason") + " " + reason)
	}
	if f := b.Failure(); f != "" {
		r.line(f)
	}
	if tail := b.Stderr(); len(tail) > 0 {
		r.line(r.t("build.stderr"))
		for _, l := range tail {
			r.line("  " + l)
		}
	}
	switch {
	case b.Passed():
		if !r.stepDone() {
			r.progress.MarkDone(r.current().ID, r.step)
			r.progress.MarkBuilt(r.current().ID)
			r.save()
		}
		r.line(r.doneLine())
	case b.Watching() != "":
		r.line(fmt.Sprintf(r.t("plain.run.again"), r.shownDir()))
	default:
		r.line(r.t("plain.run.againaddr"))
	}
}

// shownDir is the watched directory, whole and escaped.
func (r *runner) shownDir() string {
	dir := r.build.Watching()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return netcore.Quote(dir)
}

// stopBuild ends the check when the learner leaves the step or quits,
// and says so when a server of theirs was running or watched.
func (r *runner) stopBuild() {
	if r.build.Stop() {
		r.line(r.t("plain.run.stopped"))
	}
}

// runHow says how to start the check.
func (r *runner) runHow() string {
	port := "3001" // the solutions' default, unless tubes itself is there
	if r.cfg.Addr.Port == 3001 {
		port = "3002"
	}
	return r.prose.render(fmt.Sprintf(r.t("plain.run.how"), port))
}
