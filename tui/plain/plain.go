// Package plain is the course as plain lines, for screen readers and
// scrollback (tubes --plain): each step's prose as text, every event as a
// transcript line, and commands read from stdin lines. It uses the same
// lessons, goals and progress as the screen.
package plain

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// Config is everything Run needs; main opens it all first, so that a
// failure is a one-line error before anything is printed.
type Config struct {
	Course *lessons.Course
	// Store saves progress; nil: progress is not saved.
	Store *lessons.Store
	// Progress is where to start (Lesson id and Step) and what is done.
	Progress lessons.Progress
	// Server gets each step's behavior.
	Server *netcore.Server
	Client *netcore.Client
	// Inbox carries the server's and client's events; Run drains it.
	Inbox *netcore.Inbox
	// Addr is where the step's actions dial and what the prose names.
	Addr lessons.Address
	// UI holds the interface strings; nil: lessons.UIStrings(Course.Lang).
	UI map[string]string
	In io.Reader
	// Out gets every line; only Run's own goroutine writes to it.
	Out io.Writer
	// Width wraps the prose; 0: 80 columns.
	Width int
}

// actionTimeout bounds one step action, as the screen does.
const actionTimeout = 20 * time.Second

// Run prints the course from cfg.Progress and follows the commands on
// cfg.In until q, the end of the input, or ctx ends; all three return
// nil. It returns an error only when cfg is incomplete or Out fails.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Course == nil || len(cfg.Course.Lessons) == 0 || cfg.Server == nil || cfg.Client == nil || cfg.Inbox == nil || cfg.In == nil || cfg.Out == nil {
		return errors.New("plain: Config needs Course, Client, Inbox, In and Out")
	}
	if cfg.UI == nil {
		cfg.UI = lessons.UIStrings(cfg.Course.Lang)
	}
	if cfg.Width <= 0 {
		cfg.Width = 80
	}
	p, err := newProse(cfg.Width)
	if err != nil {
		return fmt.Errorf("plain: %v", err)
	}
	r := &runner{cfg: cfg, prose: p, out: bufio.NewWriter(cfg.Out), progress: cfg.Progress.Clone(),
		results: make(chan result, 1), buildMsgs: make(chan yourturn.Msg)}
	r.build = r.newBuild()
	if i := cfg.Course.Find(cfg.Progress.Lesson); i >= 0 {
		r.lesson = i
		r.step = min(max(cfg.Progress.Step, 0), len(cfg.Course.Lessons[i].Steps)-1)
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel() // a running action stops dialling once Run is gone
	r.actx = actx
	defer r.stopBuild() // the learner's server goes with Run, as with the screen

	lines := make(chan string)
	stop := make(chan struct{})
	defer close(stop)
	go readLines(cfg.In, lines, stop)

	r.enterStep()
	for {
		if err := r.out.Flush(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			r.drain()
			r.stopBuild()
			return r.out.Flush()
		case <-cfg.Inbox.Wake():
			r.drain()
		case res := <-r.results:
			r.finished(res)
		case msg := <-r.buildMsgs:
			r.onBuild(msg)
		case line, ok := <-lines:
			if !ok || r.command(line) == quit {
				r.drain()
				r.stopBuild()
				return r.out.Flush()
			}
		}
	}
}

// runner is Run's state. Only Run's goroutine touches it, so every line
// is written whole and in order.
type runner struct {
	cfg      Config
	prose    prose
	out      *bufio.Writer
	progress lessons.Progress
	saved    uint64 // version of the last save

	lesson, step int
	tracker      lessons.Tracker
	own          lessons.OwnClients
	hints        int
	folded       uint64

	actx    context.Context
	busy    bool
	results chan result // capacity 1: one action at a time, never blocks

	build     *yourturn.Run // the Your-turn step's check (yourturn.go)
	buildMsgs chan yourturn.Msg
}

type result struct {
	note lessons.Note
	err  error
}

// t looks up an interface string.
func (r *runner) t(k string) string {
	if s, ok := r.cfg.UI[k]; ok {
		return s
	}
	return k
}

func (r *runner) line(s string) { r.out.WriteString(s + "\n") }

func (r *runner) current() lessons.Lesson { return r.cfg.Course.Lessons[r.lesson] }

func (r *runner) currentStep() lessons.Step { return r.current().Steps[r.step] }

func (r *runner) stepDone() bool { return r.progress.IsDone(r.current().ID, r.step) }

// enterStep makes the current step live (its behavior, a fresh goal, no
// hints) and prints it.
func (r *runner) enterStep() {
	r.stopBuild()
	s := r.currentStep()
	r.cfg.Server.SetBehavior(s.Behavior)
	r.tracker = s.Goal.NewTracker()
	r.hints = 0
	r.progress.Lesson, r.progress.Step = r.current().ID, r.step
	r.printStep()
}

// printStep is the header, the prose and the commands of the step.
func (r *runner) printStep() {
	l, s := r.current(), r.currentStep()
	r.line("")
	r.line(fmt.Sprintf(r.t("plain.header"), r.lesson+1, len(r.cfg.Course.Lessons), l.Title, r.step+1, len(l.Steps), s.Title))
	r.line("")
	body := s.Body
	if r.step == 0 && l.Intro != "" {
		body = l.Intro + "\n\n" + body
	}
	r.line(r.prose.render(lessons.Fill(body, r.cfg.Addr)))
	r.line("")
	if s.YourTurn() {
		r.line(r.runHow()) // the prose speaks of enter and a box: here it is run
		r.line("")
	}
	if r.stepDone() {
		r.line(r.doneLine())
	}
	r.line(r.commandsLine())
}

// doneLine says the step is done and where n leads.
func (r *runner) doneLine() string {
	switch {
	case r.lesson == len(r.cfg.Course.Lessons)-1 && r.step == len(r.current().Steps)-1:
		return r.t("lesson.coursedone")
	case r.step == len(r.current().Steps)-1:
		return r.t("lesson.lastdone")
	}
	return r.t("lesson.done")
}

// drain prints every queued event and feeds the step's goal.
func (r *runner) drain() {
	for _, e := range r.cfg.Inbox.Drain() {
		r.own.Note(e)
		r.line(netcore.TranscriptLine(e))
		if !r.stepDone() && r.tracker.Feed(e, &r.own) {
			r.progress.MarkDone(r.current().ID, r.step)
			r.line(r.doneLine())
			r.save()
		}
	}
	if f := r.cfg.Inbox.Folded(); f != r.folded {
		r.line(fmt.Sprintf("… %d %s", f, r.t("status.folded")))
		r.folded = f
	}
}

// save writes the progress. The file is small and written once per step
// change, so it is written here rather than off the loop.
func (r *runner) save() {
	if r.cfg.Store == nil {
		return
	}
	r.saved++
	if err := r.cfg.Store.Save(r.progress.Clone(), r.saved); err != nil {
		r.line(r.t("progress.notsaved") + " " + netcore.EscapeText(netcore.ReasonPhrase(err).Say(r.cfg.UI)))
	}
}

// goTo moves to a step; past the end of a lesson it goes on to the next
// lesson, and before the start back to the previous one.
func (r *runner) goTo(lesson, step int) {
	all := r.cfg.Course.Lessons
	if step >= len(all[lesson].Steps) && lesson+1 < len(all) {
		lesson, step = lesson+1, 0
	}
	if step < 0 && lesson > 0 {
		lesson, step = lesson-1, len(all[lesson-1].Steps)-1
	}
	switch {
	case step < 0:
		r.line(r.t("plain.first"))
		return
	case step >= len(all[lesson].Steps):
		r.line(r.t("plain.last"))
		return
	}
	r.lesson, r.step = lesson, step
	r.enterStep()
	r.save()
}

// hint prints the step's next hint, going round after the last.
func (r *runner) hint() {
	s := r.currentStep()
	hints := s.Hints
	switch {
	case len(hints) > 0:
		r.hints = r.hints%len(hints) + 1
		head := fmt.Sprintf(r.t("plain.hint"), r.hints, len(hints))
		r.line(r.prose.render(head + " " + lessons.Fill(hints[r.hints-1], r.cfg.Addr)))
	case !s.YourTurn():
		r.line(r.t("plain.nohint"))
	}
	if s.YourTurn() {
		r.line(r.runHow())
	}
}

// act runs the step's action off the loop, with the learner's message
// when they typed one; its events arrive through the inbox.
func (r *runner) act(message string) {
	s := r.currentStep()
	switch {
	case s.YourTurn():
		r.run("") // the last command again, or how to give one
		return
	case s.Action.None():
		r.line(r.t("lesson.noaction"))
		return
	case r.busy:
		r.line(r.t("plain.busy"))
		return
	}
	r.busy = true
	r.line(r.t("action.running"))
	env := lessons.Env{Client: r.cfg.Client, Addr: r.cfg.Addr, Message: []byte(message), UI: r.cfg.UI}
	run, ctx, results := s.Action.Run, r.actx, r.results
	go func() {
		ctx, cancel := context.WithTimeout(ctx, actionTimeout)
		defer cancel()
		note, err := run(ctx, env)
		results <- result{note, err}
	}()
}

func (r *runner) finished(res result) {
	r.busy = false
	r.drain() // the action's last events come before what it says
	switch {
	case res.err != nil:
		r.line(r.t("action.failed") + ": " + netcore.EscapeText(netcore.SayError(res.err, r.cfg.UI))) // its values are escaped already
	case !res.note.Empty():
		r.line(netcore.Escape([]byte(res.note.Text(r.cfg.UI))))
	}
}

// commandsLine lists what the learner can type in this step.
func (r *runner) commandsLine() string {
	s := r.currentStep()
	var items []string
	if !s.Action.None() {
		items = append(items, r.t("plain.empty")+": "+r.t("key.enter."+s.Action.Label))
	}
	if s.Action.TakesMessage {
		items = append(items, "m "+r.t("plain.text")+": "+r.t("key.message"))
	}
	if s.YourTurn() {
		items = append(items, "run "+r.t("plain.run.cmd")+": "+r.t("key.enter.build"))
	}
	items = append(items, "n: "+r.t("key.next"), "p: "+r.t("key.prev"), "h: "+r.t("key.hint"), "q: "+r.t("key.quit"))
	return r.t("plain.commands") + " " + strings.Join(items, "; ") + "."
}
