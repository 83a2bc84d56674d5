package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// World is everything a run needs, opened before any screen is drawn so
// that a failure is a plain one-line error.
type World struct {
	Course   *lessons.Course
	Store    *lessons.Store // nil when there is no state directory
	Progress lessons.Progress
	Notice   string // said once: e.g. the progress file was damaged
	UI       map[string]string
	Inbox    *netcore.Inbox
	Server   *netcore.Server // nil unless opened WithServer
	Addr     lessons.Address
	Lesson   int // index in Course.Lessons
	Step     int // index in that lesson's steps

	// Sink is where the app's own client reports too: the inbox, and the
	// recording when there is one, so a replay shows both sides.
	Sink netcore.Sink
	// Target is the tap's target in canonical form ("" when not tapping).
	Target string
	// Recorder is nil unless --record; the status line polls its State.
	Recorder *netcore.Recorder

	stderr  io.Writer
	unserve func() // removes the runtime file naming the port served
}

// InboxSize bounds the events waiting for the screen or the transcript.
const InboxSize = 20000

// Need says what Open opens beyond the course and the progress.
type Need int

const (
	CourseOnly Need = iota
	WithServer      // also the server (a tap when Options.Target is set) and the recorder
)

// Open loads the course in the chosen language and the progress, finds
// the lesson and step, and with WithServer starts listening. Messages
// (a damaged progress file, an incomplete recording) go to stderr.
func Open(o *Options, need Need, stderr io.Writer) (*World, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	lang, err := o.Language()
	if err != nil {
		return nil, err
	}
	w := &World{stderr: stderr, UI: lessons.UIStrings(lang)}
	if w.Course, err = lessons.Load(lang); err != nil {
		return nil, err
	}
	if dir, err := lessons.StateDir(); err == nil {
		if w.Store, w.Progress, w.Notice, err = lessons.OpenStore(dir); err != nil {
			return nil, fmt.Errorf("cannot open the progress in %s: %s", netcore.Quote(dir), Reason(err))
		}
		if w.Notice != "" {
			w.Notice = w.UI["notice.damaged"] + " " + netcore.Quote(w.Notice)
			fmt.Fprintln(stderr, "tubes: "+w.Notice)
		}
	}
	if o.Lesson != "" {
		if w.Lesson, w.Step, err = w.Course.Locate(o.Lesson, o.Step); err != nil {
			return nil, usage.Wrap(err)
		}
		w.Progress.Lesson, w.Progress.Step = o.Lesson, w.Step
	} else if o.Step != 0 {
		return nil, usage.Errorf("--step needs --lesson")
	} else if i := w.Course.Find(w.Progress.Lesson); i >= 0 {
		w.Lesson, w.Step = i, min(max(w.Progress.Step, 0), len(w.Course.Lessons[i].Steps)-1)
	}
	if need == WithServer {
		if err := w.listen(o); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *World) listen(o *Options) error {
	addr, err := o.ListenAddr()
	if err != nil {
		return err
	}
	target := o.Target
	if target != "" {
		if target, err = checkTarget(o.Target, addr); err != nil {
			return err
		}
	}
	w.Inbox = netcore.NewInbox(InboxSize)
	w.Sink = w.Inbox
	if o.Record != "" {
		if w.Recorder, err = netcore.CreateRecording(o.Record, int64(o.RecordMax)); err != nil {
			return usage.Errorf("cannot write the record file %s: %s", netcore.Quote(o.Record), Reason(err))
		}
		w.Sink = netcore.Tee{w.Inbox, w.Recorder}
	}
	var behavior netcore.Behavior = w.Course.Lessons[w.Lesson].Steps[w.Step].Behavior
	if o.Target != "" {
		behavior, w.Target = netcore.Tap{Target: target}, target
	}
	cfg := o.Server
	cfg.Addr = addr
	w.Server, err = netcore.Listen(cfg, behavior, w.Sink)
	if err != nil && w.Recorder != nil {
		w.closeRecord()
		_ = os.Remove(o.Record)
	}
	var inUse *netcore.PortInUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("port %d is already in use; choose another with --port %d, or --port 0 for any free port", inUse.Port, nextPort(inUse.Port))
	}
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %s", netcore.Quote(addr), Reason(err))
	}
	w.Addr = lessons.Address{Host: w.Server.Host(), Port: w.Server.Port()}
	if dir, err := lessons.StateDir(); err == nil {
		w.unserve, _ = lessons.MarkServing(dir, []int{w.Server.Port()}) // so tubes check knows this port
	}
	return nil
}

func nextPort(p int) int {
	if p >= 65535 || p == 0 {
		return DefaultPort() + 1
	}
	return p + 1
}

// Shutdown stops the server, if any, and finishes the recording.
func (w *World) Shutdown() {
	if w.Server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = w.Server.Shutdown(ctx)
	}
	if w.unserve != nil {
		w.unserve()
	}
	w.closeRecord()
}

// closeRecord finishes the recording, and says so if any event missed it.
func (w *World) closeRecord() {
	if w.Recorder == nil {
		return
	}
	dropped, err := w.Recorder.Close()
	w.Recorder = nil
	if err != nil {
		fmt.Fprintf(w.stderr, "tubes: the recording is incomplete: %s\n", netcore.EscapeText(Reason(err)))
	} else if dropped > 0 {
		fmt.Fprintf(w.stderr, "tubes: %d events are not in the recording (too fast, or past --record-max)\n", dropped)
	}
}
