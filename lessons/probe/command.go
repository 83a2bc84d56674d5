package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// Flags are tubes check's flags, as typed.
type Flags struct {
	Lesson, Target, Wait, IdleWait string
	Run                            string
	Watch                          []string
	ProbeTime, RunTime, ReplyWait  string
	JSON, List                     bool
	watchSet                       func() bool
}

// watchDefault stands for --watch given without paths.
const watchDefault = "\x00"

// Bind adds check's flags to fs.
func (f *Flags) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.Lesson, "lesson", "", usage.T("flag.lesson"))
	fs.StringVar(&f.Target, "target", "", usage.T("flag.check.target"))
	fs.StringVar(&f.Run, "run", "", usage.T("flag.check.run"))
	fs.StringSliceVar(&f.Watch, "watch", nil, usage.T("flag.check.watch"))
	fs.Lookup("watch").NoOptDefVal = watchDefault
	fs.BoolVar(&f.List, "list", false, usage.T("flag.check.list"))
	fs.StringVar(&f.Wait, "wait", DefaultCheckWait.String(), usage.T("flag.check.wait"))
	fs.StringVar(&f.IdleWait, "idle-wait", DefaultIdleWait.String(), usage.T("flag.check.idle-wait"))
	fs.StringVar(&f.ReplyWait, "reply-wait", DefaultReplyWait.String(), usage.T("flag.check.reply-wait", DefaultSlow.String()))
	fs.StringVar(&f.ProbeTime, "probe-time", DefaultProbeTime.String(), usage.T("flag.check.probe-time"))
	fs.StringVar(&f.RunTime, "run-time", DefaultRunTime.String(), usage.T("flag.check.run-time"))
	fs.BoolVar(&f.JSON, "json", false, usage.T("flag.check.json"))
	f.watchSet = func() bool { return fs.Changed("watch") }
}

// Course is what check needs of the course: the lessons' probe sets and
// order, the language, tubes' own ports, and the progress to record a
// built server in. lessons/session provides it.
type Course interface {
	Set(id string) (Set, bool)
	// Next is the lesson after id in course order ("" after the last).
	Next(id string) string
	Lang() (string, error)
	// TubesPorts are the ports tubes' own lesson servers listen on now.
	TubesPorts() []int
	// MarkBuilt records that the learner's server passed lesson id.
	MarkBuilt(id string) error
}

// Check is `tubes check`: the probes of lesson f.Lesson against the
// learner's server (--target, or one it starts with --run), the report
// on w; with --list, the spec instead. Any failed probe is an error, so
// the command exits 1; a WARN passes.
func Check(ctx context.Context, w io.Writer, f Flags, c Course) error {
	if f.Lesson == "" {
		return usage.Bad("usage.check.lesson")
	}
	set, ok := c.Set(f.Lesson)
	if !ok {
		return usage.Bad("usage.lesson.none", netcore.Quote(f.Lesson))
	}
	lang, err := c.Lang()
	if err != nil {
		return err
	}
	if f.List {
		if f.Target != "" || f.Run != "" {
			return usage.Bad("usage.check.list")
		}
		if f.JSON {
			return writeSpecJSON(w, Spec(set, lang))
		}
		return WriteSpec(w, f.Lesson, set, lang)
	}
	opt, err := f.options(lang)
	if err != nil {
		return err
	}
	watching := f.watchSet != nil && f.watchSet()
	switch {
	case f.Target != "" && f.Run != "":
		return usage.Bad("usage.check.both")
	case f.Target == "" && f.Run == "":
		return usage.Bad("usage.check.server")
	case watching && f.Run == "":
		return usage.Bad("usage.check.watch")
	}
	r := &runner{w: w, f: f, c: c, set: set, opt: opt}
	if f.Target != "" {
		hp, err := netcore.ParseTarget(f.Target)
		if err != nil {
			return usage.Bad("usage.target", err) // the error quotes the input escaped
		}
		target := hp.String()
		if isTubes(target, c.TubesPorts()) {
			return usage.Wrap(errors.New(word(lang, "target.tubes")))
		}
		r.opt.Target = target
		return r.once(ctx)
	}
	if !watching {
		return r.once(ctx)
	}
	paths := f.watchPaths()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return usage.Bad("usage.watch.path", netcore.Quote(p), netcore.EscapeText(errors.Unwrap(err).Error()))
		}
	}
	r.watch = true
	_ = r.once(ctx)
	r.waiting(paths)
	err = Watch(ctx, paths, func() {
		_ = r.once(ctx)
		r.waiting(paths)
	})
	if err != nil {
		return usage.Fail("err.watch", netcore.EscapeText(err.Error()))
	}
	return nil
}

// options turns the typed waits into Options.
func (f Flags) options(lang string) (Options, error) {
	var opt Options
	var err error
	durs := []struct {
		flag, s string
		zero    bool
		to      *time.Duration
	}{
		{"--wait", f.Wait, true, &opt.Wait}, {"--idle-wait", f.IdleWait, false, &opt.IdleWait},
		{"--reply-wait", f.ReplyWait, false, &opt.Reply}, {"--probe-time", f.ProbeTime, false, &opt.Probe},
		{"--run-time", f.RunTime, false, &opt.Run},
	}
	for _, d := range durs {
		if d.s == "" {
			continue
		}
		if *d.to, err = parseWait(d.flag, d.s, d.zero); err != nil {
			return opt, err
		}
	}
	if opt.Wait == 0 {
		opt.Wait = -1 // try once
	}
	opt.Quiet, opt.Lang = opt.Reply, lang
	return opt, nil
}

// watchPaths are --watch's paths, the default standing for RunDir.
func (f Flags) watchPaths() []string {
	var out []string
	for _, p := range f.Watch {
		if p == watchDefault || p == "" {
			p = RunDir(f.Run)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// runner runs the check once or on every save.
type runner struct {
	w     io.Writer
	f     Flags
	c     Course
	set   Set
	opt   Options
	watch bool
}

// clearScreen is what a watch mode writes before each run: home, clear.
const clearScreen = "\x1b[H\x1b[2J\x1b[3J"

// once runs the check, with the server started when --run, and writes
// the report. A pass records the lesson as built.
func (r *runner) once(ctx context.Context) error {
	if r.watch && isTerminal(r.w) {
		_, _ = io.WriteString(r.w, clearScreen)
	}
	rep, err := r.report(ctx)
	if err != nil {
		if r.watch {
			fmt.Fprintln(r.w, "tubes: "+netcore.EscapeText(err.Error()))
		}
		return err
	}
	if rep.Pass() {
		rep.Next = r.c.Next(r.f.Lesson)
		if err := r.c.MarkBuilt(r.f.Lesson); err != nil {
			fmt.Fprintln(os.Stderr, "tubes: "+netcore.EscapeText(err.Error()))
		}
	}
	if r.f.JSON {
		err = rep.WriteJSON(r.w)
	} else {
		err = rep.WriteText(r.w)
		if err == nil && rep.Pass() && rep.Next == "" {
			fmt.Fprintln(r.w, word(r.opt.Lang, "report.last"))
		}
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return usage.Fail("err.interrupted")
	}
	if !rep.Pass() {
		return errors.New(rep.Summary())
	}
	return nil
}

// report runs the probes, starting and stopping the server for --run.
func (r *runner) report(ctx context.Context) (*Report, error) {
	if r.f.Run == "" {
		return Run(ctx, r.f.Lesson, r.set, r.opt)
	}
	proc, err := startServer(ctx, r.f.Run, "", max(r.opt.Wait, DefaultStartWait)) // as typed, from here
	if proc == nil {
		return nil, usage.Fail("err.run.start", netcore.Quote(r.f.Run), netcore.EscapeText(err.Error()))
	}
	defer proc.Stop()
	if err != nil {
		return r.notListening(proc, err), nil
	}
	opt := r.opt
	opt.Target, opt.Wait = proc.Target(), -1 // it listens already
	rep, err := Run(ctx, r.f.Lesson, r.set, opt)
	if err != nil {
		return nil, err
	}
	rep.Server = proc.Info()
	return rep, nil
}

// notListening is the report of a started server that never listened:
// how it ended and what it printed, not "nothing is listening".
func (r *runner) notListening(proc *Process, err error) *Report {
	t := func(k string) string { return word(r.opt.Lang, k) }
	res := Result{ID: "starts", Name: t("probe.starts.name"), Kind: NotListening, Caret: -1, Command: r.f.Run}
	port := strconv.Itoa(proc.Port())
	switch {
	case errors.Is(err, ErrExited):
		res.Reason = fmt.Sprintf(t("run.exited"), proc.ExitStatus(), port)
	default:
		res.Reason = fmt.Sprintf(t("run.notlistening"), port, roundDur(max(r.opt.Wait, DefaultStartWait)))
	}
	rep := &Report{Lesson: r.f.Lesson, Target: proc.Target(), Lang: r.opt.Lang, Results: []Result{res}, NotRun: true, Server: proc.Info()}
	if err != ErrExited {
		rep.Server.Exit = "" // still running when it was stopped
		if len(rep.Server.Tail) == 0 {
			rep.Server = nil
		}
	}
	return rep
}

// waiting says, in watch mode, that check waits for the next save.
func (r *runner) waiting(paths []string) {
	var shown []string
	for _, p := range paths {
		shown = append(shown, netcore.Quote(p))
	}
	fmt.Fprintf(r.w, "\n"+word(r.opt.Lang, "watch.waiting")+"\n", strings.Join(shown, ", "))
}

// isTubes reports whether target is on this machine at a port where
// tubes' own lesson server listens.
func isTubes(target string, ports []int) bool {
	host, ps, err := net.SplitHostPort(target)
	if err != nil {
		return false
	}
	port, _ := strconv.Atoi(ps)
	if !slices.Contains(ports, port) {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// parseWait reads a duration flag such as 5s or 500ms.
func parseWait(flag, s string, zeroOK bool) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d == 0 && !zeroOK {
		return 0, usage.Bad("usage.flag.want.duration", flag, netcore.Quote(s))
	}
	return d, nil
}
