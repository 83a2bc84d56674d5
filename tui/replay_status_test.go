package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// A streamed recording's length is unknown until its end: the status line
// shows how many events have played, never a made-up total.
func TestReplayStatusBeforeTheTotalIsKnown(t *testing.T) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	inbox := netcore.NewInbox(10)
	rec := `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"note","text":"hi"}` + "\n"
	rep := netcore.NewReplayerFrom(netcore.NewRecordingReader(strings.NewReader(rec)), inbox)
	m := New(Deps{Backend: NewReplay(rep, inbox), Course: course, Progress: lessons.Progress{Lesson: "tcp-accept"},
		Addr: lessons.Address{Host: "localhost", Port: 3000}, UI: lessons.UIStrings("en")})
	r := &rig{m: m}
	r.size(120, 40)
	screen := ansi.Strip(m.screen())
	if strings.Contains(screen, "/-1") || !strings.Contains(screen, "0/…") {
		t.Errorf("status line before the end is known:\n%s", lineWith(screen, "replay"))
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
