package tui

import (
	"context"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// RunCourse is the course in the screen (tubes, and tubes tap). With
// --plain or --json, or when stdin or stdout is not a terminal, it prints
// the transcript instead; without a terminal it says so on stderr.
func RunCourse(o *session.Options) error {
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
	client := netcore.NewClient(w.Inbox)
	defer client.CloseAll()
	w.Progress.Lesson, w.Progress.Step = w.Course.Lessons[w.Lesson].ID, w.Step
	m := New(Deps{
		Server: w.Server, Client: client, Inbox: w.Inbox, Course: w.Course, Store: w.Store,
		Progress: w.Progress, Addr: w.Addr, UI: w.UI, Notice: w.Notice, NoColor: o.Colorless(),
		Target: o.Target, URLs: w.RoomURLs(), Contrast: o.Theme == session.ThemeContrast,
	})
	return runProgram(m, o.Colorless())
}

// Interactive reports whether both stdin and stdout are terminals, as the
// screen needs.
func Interactive() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

// RunReplay plays a recording in the screen: no server runs.
func RunReplay(o *session.Options, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return usage.Errorf("cannot read the recording %s: %s", netcore.Quote(file), session.Reason(err))
	}
	events, err := netcore.ReadRecording(f)
	f.Close()
	if err != nil {
		return usage.Errorf("%s is not a tubes recording: %s", netcore.Quote(file), session.Reason(err))
	}
	w, err := session.Open(o, session.CourseOnly, os.Stderr)
	if err != nil {
		return err
	}
	inbox := netcore.NewInbox(session.InboxSize)
	rep := netcore.NewReplayer(events, inbox)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rep.Run(ctx)
	m := New(Deps{Inbox: inbox, Course: w.Course, Progress: w.Progress, UI: w.UI,
		Addr: lessons.Address{Host: "localhost", Port: o.Port}, NoColor: o.Colorless(),
		Contrast: o.Theme == session.ThemeContrast, Replay: rep})
	return runProgram(m, o.Colorless())
}

func runProgram(m *Model, noColor bool) error {
	var opts []tea.ProgramOption
	if noColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.ASCII))
	}
	if _, err := tea.NewProgram(m, opts...).Run(); err != nil {
		return fmt.Errorf("the screen failed: %v", err)
	}
	return nil
}
