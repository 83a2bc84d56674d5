package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// newReplayModel is a replay of a few notes at lesson id, paused, at 120×40.
func newReplayModel(t *testing.T, id string) (*Model, *netcore.Inbox) {
	t.Helper()
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now()
	var events []netcore.Event
	for i := 0; i < 3; i++ {
		events = append(events, netcore.Event{Time: base.Add(time.Duration(i) * time.Millisecond), Kind: netcore.Note, Text: "recorded " + strconv.Itoa(i)})
	}
	inbox := netcore.NewInbox(100)
	rep := netcore.NewReplayer(events, inbox)
	rep.SetPaused(true)
	backend := NewReplay(rep, inbox) // before Run: it sets OnEnd, which Run reads
	go rep.Run(t.Context())
	m := New(Deps{Backend: backend, Course: course, UI: lessons.UIStrings("en"),
		Progress: lessons.Progress{Lesson: id}, Addr: lessons.Address{Host: "localhost", Port: 3000}})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return m, inbox
}

// In a replay there is no client: m must not open a box whose enter
// would dial with it.
func TestReplayMessageKeyDoesNothing(t *testing.T) {
	m, _ := newReplayModel(t, "ping-pong")
	if !m.currentStep().Action.TakesMessage {
		t.Fatal("ping-pong's first step should take a message")
	}
	m.Update(keyRune('m'))
	if m.overlay != noOverlay {
		t.Error("m opened the message box in a replay")
	}
	for _, c := range "hi" {
		m.Update(keyRune(c))
	}
	_, cmd := m.Update(keyEnter)
	if cmd == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("enter after m in a replay panicked: %v", p)
		}
	}()
	if msg := cmd(); msg != nil {
		if _, ok := msg.(actionDoneMsg); ok {
			t.Fatalf("enter after m ran the step's action in a replay: %#v", msg)
		}
	}
}

// A replay has no server to put a tap on: y must not say it is watching.
func TestReplayYoursKeyAnnouncesNoTap(t *testing.T) {
	m, _ := newReplayModel(t, "http-response")
	m.Update(keyRune('y'))
	m.Update(keyEnter) // the box starts with localhost:8080
	screen := ansi.Strip(m.screen())
	for _, said := range []string{"Now watching your server", "through the tap"} {
		if strings.Contains(screen, said) {
			t.Errorf("y in a replay announced a tap (%q):\n%s", said, screen)
		}
	}
}

// Help offers only keys that act: no m, y, i or s in a replay, no . live.
func TestHelpOffersOnlyKeysThatAct(t *testing.T) {
	m, _ := newReplayModel(t, "ping-pong")
	lines := strings.Split(ansi.Strip(m.screen()), "\n")
	if helpLine := lines[len(lines)-1]; strings.Contains(helpLine, "type a message") {
		t.Errorf("the replay's help line offers m: %q", helpLine)
	}
	m.Update(keyRune('?'))
	keys := ansi.Strip(m.screen())
	for _, desc := range []string{"type a message", "your server", "hold the next reply", "slow motion"} {
		if strings.Contains(keys, desc) {
			t.Errorf("the replay's keys screen offers %q", desc)
		}
	}
	if !strings.Contains(keys, "replay: one event") {
		t.Error("the replay's keys screen should offer . to step")
	}

	r := newRig(t, "ping-pong")
	r.size(120, 40)
	r.press(keyRune('?'))
	keys = ansi.Strip(r.m.screen())
	if strings.Contains(keys, "replay: one event") {
		t.Error("the live keys screen offers . (replay only)")
	}
	for _, desc := range []string{"type a message", "your server", "hold the next reply", "slow motion"} {
		if !strings.Contains(keys, desc) {
			t.Errorf("the live keys screen lacks %q", desc)
		}
	}
}
