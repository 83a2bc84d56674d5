package tui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/tui/plain"
)

// RunCourse is the course in the screen (tubes, and tubes tap). With
// --plain or --json, or when stdin or stdout is not a terminal, it prints
// the transcript instead; without a terminal it says so on stderr.
func RunCourse(o *session.Options) error {
	if o.Plain && o.Target == "" {
		return runPlain(o)
	}
	if o.Plain || o.JSON {
		return session.Transcript(o, os.Stdout, os.Stderr, "")
	}
	if !Interactive() {
		return session.Transcript(o, os.Stdout, os.Stderr, "notice.notty")
	}
	w, err := session.Open(o, session.WithServer, os.Stderr)
	if err != nil {
		return err
	}
	defer w.Shutdown()
	client := courseClient(w)
	defer client.CloseAll()
	w.Progress.Lesson, w.Progress.Step = w.Course.Lessons[w.Lesson].ID, w.Step
	m := newCourseModel(w, o, client)
	// However the program ends (q, ctrl+c, or a SIGTERM that Bubble Tea
	// turns into a quit without a key), the learner's server goes with it:
	// it runs in its own process group, out of reach of the signal.
	defer m.stopBuild()
	return runProgram(m, o.Colorless())
}

// courseClient is the app's own client for an opened world: it reports to
// the world's sink (recorded too, so a replay shows both sides) in the
// course's words.
func courseClient(w *session.World) *netcore.Client {
	client := netcore.NewClient(w.Sink)
	client.Words = w.UI
	return client
}

// newCourseModel is the course's root model over an opened world: the
// live backend with the room (when let in) as its step watcher and name
// book, and every step change into the world's sink (the recording).
func newCourseModel(w *session.World, o *session.Options, client *netcore.Client) *Model {
	live := Live{Server: w.Server, Client: client, Inbox: w.Inbox, Target: w.Target, Recorder: w.Recorder}
	if w.Room != nil {
		live.Watchers, live.Names = []StepWatcher{w.Room}, w.Room.Names
	}
	return New(Deps{
		Backend: NewLive(live), Course: w.Course, Store: w.Store,
		Progress: w.Progress, Addr: w.Addr, TextAddr: w.TextAddr, UI: w.UI, Notice: w.Notice, NoColor: o.Colorless(),
		URLs: w.RoomURLs(), Contrast: o.Theme == session.ThemeContrast, Presenter: o.Presenter,
	})
}

// runPlain is the course as plain lines (tubes --plain), for screen
// readers and scrollback, with commands on stdin.
func runPlain(o *session.Options) error {
	w, err := session.Open(o, session.WithServer, os.Stderr)
	if err != nil {
		return err
	}
	defer w.Shutdown()
	client := courseClient(w)
	defer client.CloseAll()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w.Progress.Lesson, w.Progress.Step = w.Course.Lessons[w.Lesson].ID, w.Step
	return plain.Run(ctx, plain.Config{Course: w.Course, Store: w.Store, Progress: w.Progress, Server: w.Server,
		Client: client, Inbox: w.Inbox, Addr: w.Addr, UI: w.UI, In: os.Stdin, Out: os.Stdout})
}

// Interactive reports whether both stdin and stdout are terminals, as the
// screen needs.
func Interactive() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

// replayInboxBytes bounds the bytes of the events a replay has waiting
// for the screen: a recording plays as fast as it is read when sped up or
// skipped, and a screen that lags must not make it pile up.
const replayInboxBytes = 8 << 20

// RunReplay plays a recording in the screen: no server runs. The file is
// streamed, so a large one starts at once in bounded memory.
func RunReplay(o *session.Options, file string) error {
	if o.Plain && o.JSON {
		return usage.Bad("usage.plain-json")
	}
	rec, err := netcore.OpenRecording(file)
	if err != nil {
		return usage.Wrap(err) // one line; it names the file escaped
	}
	defer rec.Close()
	if o.Plain || o.JSON {
		return PrintRecording(os.Stdout, rec, o.JSON)
	}
	w, err := session.Open(o, session.CourseOnly, os.Stderr)
	if err != nil {
		return err
	}
	inbox := netcore.NewInbox(session.InboxSize)
	inbox.BoundBytes(replayInboxBytes)
	rep := netcore.NewReplayerFrom(rec, inbox)
	rep.Words = w.UI
	// Going back re-opens the file and reads up to the step: nothing of a
	// big recording is kept in memory for it.
	rep.SetReopen(func() (netcore.EventSource, error) { return netcore.OpenRecording(file) })
	// The backend sets the player's OnRestart and OnEnd, which Run reads:
	// it comes first (a short recording can end before a later set).
	backend := NewReplay(rep, inbox)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rep.Run(ctx)
	m := New(Deps{Backend: backend, Course: w.Course, Progress: w.Progress, UI: w.UI,
		Addr: lessons.Address{Host: "localhost", Port: o.Port}, NoColor: o.Colorless(),
		Contrast: o.Theme == session.ThemeContrast, Presenter: o.Presenter})
	return runProgram(m, o.Colorless())
}

func runProgram(m *Model, noColor bool) error {
	var opts []tea.ProgramOption
	if noColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.ASCII))
	}
	if _, err := tea.NewProgram(m, opts...).Run(); err != nil {
		return usage.Fail("err.screen", err)
	}
	return nil
}

// PrintRecording is tubes replay --plain or --json: the recording as a
// transcript, both sides and every step change, with no screen and no
// waiting. It streams, so a large file prints in bounded memory.
func PrintRecording(w io.Writer, src netcore.EventSource, asJSON bool) error {
	bw := bufio.NewWriter(w)
	for {
		e, err := src.Next()
		if err == io.EOF {
			return bw.Flush()
		}
		if err != nil {
			_ = bw.Flush()
			return err // it names the line and the problem, escaped
		}
		if asJSON {
			fmt.Fprintln(bw, netcore.JSONLine(e))
		} else {
			fmt.Fprintln(bw, netcore.TranscriptLine(e))
		}
	}
}
