// Package yourturn runs the check of a lesson's Your-turn step, for the
// screen and for tubes --plain alike: it starts the learner's server (or
// takes its address), puts the tap in front of it, sends the lesson's
// probes through tubes' own listener so every exchange shows, and runs it
// all again after a save in the command's directory.
//
// A Run is driven from its host's loop: its methods change its state and
// return Jobs, the blocking work, which the host runs elsewhere and whose
// Msg it hands back to Handle. So the tap is only touched from the host's
// loop, and the host decides how to show what happened.
package yourturn

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
)

// ErrOwnAddress is what Host.Tap returns for an address of tubes' own
// listener: a tap aimed there would relay to itself.
var ErrOwnAddress = errors.New("own address")

// Host is what a Run needs from the app that shows it.
type Host struct {
	// Tap puts the tap in front of the learner's server at target, a
	// HOST:PORT, or back on the lesson's own server for "". It is called
	// only from the host's loop, inside Start, Handle and Stop.
	Tap func(target string) error
	// Through is the HOST:PORT of tubes' own listener: the probes go
	// there, so the panes (or the transcript) show every exchange.
	Through string
	Lang    string            // the language of the probes' words
	UI      map[string]string // the interface strings (ui.txt)
}

// Job is blocking work of a Run: run it off the host's loop and give what
// it returns to Handle.
type Job func() Msg

// Msg is a Job's outcome.
type Msg struct {
	seq  int
	kind msgKind
	proc *probe.Process
	dir  string // the command's directory, to watch
	rep  *probe.Report
	err  error
}

type msgKind int

const (
	msgNone    msgKind = iota // a job of a stopped run
	msgStarted                // the server listens, or failed to
	msgReport                 // the probes ended
	msgChanged                // a save under the watched directory
)

// Event is what a Msg changed, for the host to say.
type Event int

const (
	Nothing Event = iota // nothing to show yet (or the Msg was stale)
	Ended                // the run is over: its results are in
	Again                // a save started the check again
)

// Line is one probe's result, its name escaped for the screen.
type Line struct {
	Verdict probe.Verdict
	Name    string
}

// Run is the Your-turn step's check: at most one at a time.
type Run struct {
	host    Host
	lesson  string
	last    string // the last command or address used
	seq     int    // a Msg with an older seq is of a stopped run
	running bool
	ctx     context.Context
	cancel  context.CancelFunc // stops the process, the watch and the probes
	tapped  bool
	proc    *probe.Process
	rep     *probe.Report
	watch   string   // the directory whose saves re-run it; "" for an address
	failure string   // why the server is not there, escaped
	stderr  []string // its stderr tail, escaped
}

// New is a Run with nothing running.
func New(h Host) *Run { return &Run{host: h} }

func (r *Run) t(k string) string {
	if s, ok := r.host.UI[k]; ok {
		return s
	}
	return k
}

// Start runs the check of lesson against what the learner typed: an
// address is probed as it is, anything else is a command started in the
// current directory. An empty text runs the last one again; with none, it
// does nothing and returns nil. A run already going is stopped first.
func (r *Run) Start(lesson, text string) []Job {
	text = strings.TrimSpace(text)
	if text == "" {
		text = r.last
	}
	if text == "" {
		return nil
	}
	r.Stop()
	r.lesson, r.last = lesson, text
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.running = true
	if _, err := netcore.ParseTarget(text); err == nil {
		return r.probe(text)
	}
	ctx, seq := r.ctx, r.seq
	start := func() Msg {
		dir := probe.RunDir(text) // it looks at files: not on the host's loop
		proc, err := probe.StartServer(ctx, text, ".")
		if proc != nil {
			// The run's end ends its server, even when this Msg is never
			// handled (the app quit while the server was starting).
			context.AfterFunc(ctx, proc.Stop)
		}
		return Msg{seq: seq, kind: msgStarted, proc: proc, dir: dir, err: err}
	}
	return []Job{start}
}

// watchSaves waits for the first save under dir (probe.Watch waits for
// the writes of one save to pause) for as long as ctx lives.
func (r *Run) watchSaves(ctx context.Context, seq int, dir string) Job {
	return func() Msg {
		changed := make(chan struct{}, 1)
		go func() {
			_ = probe.Watch(ctx, []string{dir}, func() {
				select {
				case changed <- struct{}{}:
				default:
				}
			})
		}()
		select {
		case <-ctx.Done():
			return Msg{seq: seq}
		case <-changed:
			return Msg{seq: seq, kind: msgChanged}
		}
	}
}

// probe puts the tap in front of target and returns the job that runs the
// lesson's probes through tubes' own listener.
func (r *Run) probe(target string) []Job {
	if err := r.host.Tap(target); err != nil {
		r.running = false
		r.failure = r.t("yours.bad") + " " + netcore.EscapeText(netcore.SayError(err, r.host.UI))
		if errors.Is(err, ErrOwnAddress) {
			r.failure = r.t("yours.self") + " " + netcore.Quote(target)
		}
		return nil
	}
	r.tapped = true
	set, _ := lessons.Probes(r.lesson)
	opt := probe.Options{Target: r.host.Through, Lang: r.host.Lang}
	ctx, seq, lesson := r.ctx, r.seq, r.lesson
	return []Job{func() Msg {
		rep, err := probe.Run(ctx, lesson, set, opt)
		return Msg{seq: seq, kind: msgReport, rep: rep, err: err}
	}}
}

// Handle takes a Job's Msg: it returns the jobs to run next and what
// changed.
func (r *Run) Handle(msg Msg) ([]Job, Event) {
	if msg.seq != r.seq {
		return nil, Nothing // of a stopped run: its server stops with its context
	}
	switch msg.kind {
	case msgStarted:
		// Saves are watched from now on, whether it started or not: a
		// fix of a server that did not start runs it again too.
		r.proc, r.watch = msg.proc, msg.dir
		jobs := []Job{r.watchSaves(r.ctx, r.seq, msg.dir)}
		if msg.err != nil {
			r.running = false
			r.failure = r.startFailure(msg.proc, msg.err)
			if msg.proc != nil {
				r.stderr = escapeLines(msg.proc.Stderr())
				msg.proc.Stop()
				r.proc = nil
			}
			return jobs, Ended
		}
		return append(jobs, r.probe(msg.proc.Target())...), Nothing
	case msgReport:
		r.running = false
		if msg.err != nil {
			r.failure = netcore.EscapeText(netcore.SayError(msg.err, r.host.UI))
			return nil, Ended
		}
		r.rep = msg.rep
		if p := r.proc; p != nil {
			select {
			case <-p.Exited():
				r.failure = r.t("build.exited") + " " + netcore.EscapeText(p.ExitStatus())
				r.stderr = escapeLines(p.Stderr())
			default:
			}
		}
		return nil, Ended
	case msgChanged:
		return r.Start(r.lesson, r.last), Again
	}
	return nil, Nothing
}

// startFailure says why a started server is not there, in the check's
// words where there are some.
func (r *Run) startFailure(p *probe.Process, err error) string {
	if p == nil {
		return netcore.EscapeText(err.Error())
	}
	return startWords(r.host.Lang, err, p.ExitStatus(), p.Port())
}

// startWords is startFailure for a server given port that ended with exit
// ("" while it runs).
func startWords(lang string, err error, exit string, port int) string {
	w := probe.Words(lang)
	switch {
	case errors.Is(err, probe.ErrExited):
		return netcore.EscapeText(fmt.Sprintf(w["run.exited"], exit, strconv.Itoa(port)))
	case errors.Is(err, probe.ErrNotListening):
		return netcore.EscapeText(fmt.Sprintf(w["run.notlistening"], strconv.Itoa(port), probe.DefaultStartWait.Round(time.Second)))
	}
	return netcore.EscapeText(err.Error())
}

// Stop ends the run: the process, the watch, the probes, and the tap goes
// back to the lesson's server. It reports whether a server of the
// learner's was running or watched.
func (r *Run) Stop() bool {
	had := r.proc != nil || r.tapped
	r.seq++
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	if r.proc != nil {
		r.proc.Stop()
		r.proc = nil
	}
	if r.tapped {
		_ = r.host.Tap("")
		r.tapped = false
	}
	r.running, r.rep, r.failure, r.stderr, r.watch = false, nil, "", nil, ""
	return had
}

// Last is the last command or address used ("" before the first).
func (r *Run) Last() string { return r.last }

// Running reports whether a check is under way.
func (r *Run) Running() bool { return r.running }

// Report is the last check's report, nil while none has ended.
func (r *Run) Report() *probe.Report { return r.rep }

// Tapping reports whether the tap is in front of the learner's server.
func (r *Run) Tapping() bool { return r.tapped }

// Process is the learner's server tubes runs now, or nil.
func (r *Run) Process() *probe.Process { return r.proc }

// Watching is the directory whose saves run the check again ("" when
// none is watched: an address, or nothing running).
func (r *Run) Watching() string { return r.watch }

// Passed reports whether the last check ran every probe and none failed:
// the step is done.
func (r *Run) Passed() bool { return r.rep != nil && !r.rep.NotRun && r.rep.Failed() == 0 }

// Lines are the last report's probes, each with its verdict.
func (r *Run) Lines() []Line {
	if r.rep == nil {
		return nil
	}
	var out []Line
	for _, res := range r.rep.Results {
		out = append(out, Line{Verdict: res.Verdict(), Name: netcore.EscapeText(res.Name)})
	}
	return out
}

// Reason is why the first failing probe failed, escaped; "" for none.
func (r *Run) Reason() string {
	if r.rep == nil {
		return ""
	}
	for _, res := range r.rep.Results {
		if res.Verdict() == probe.VerdictFail {
			return netcore.EscapeText(res.Reason)
		}
	}
	return ""
}

// Failure is why the learner's server is not there (it did not start,
// exited, or the address is wrong), escaped; "" for none.
func (r *Run) Failure() string { return r.failure }

// Stderr is the last lines the server wrote to its stderr, escaped.
func (r *Run) Stderr() []string { return r.stderr }

// Counts are the last report's probes by verdict.
func (r *Run) Counts() map[probe.Verdict]int {
	n := map[probe.Verdict]int{}
	for _, l := range r.Lines() {
		n[l.Verdict]++
	}
	return n
}

func escapeLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, netcore.EscapeText(l))
	}
	return out
}
