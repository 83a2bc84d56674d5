package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// rig is a model wired to a real server on a free loopback port.
type rig struct {
	m      *Model
	server *netcore.Server
	inbox  *netcore.Inbox
	store  *lessons.Store
}

// newRig starts the course at lesson id (step 0) with a server on a port
// the OS picks; golden screens replace that port (always 5 digits) with a
// fixed placeholder.
func newRig(t *testing.T, id string) *rig { t.Helper(); return newRigLang(t, "en", id) }

func newRigLang(t *testing.T, lang, id string) *rig {
	t.Helper()
	course, err := lessons.Load(lang)
	if err != nil {
		t.Fatal(err)
	}
	inbox := netcore.NewInbox(10000)
	li := course.Find(id)
	cfg := netcore.DefaultConfig()
	cfg.Addr = "localhost:0"
	cfg.MaxConnsPerIP, cfg.ConnRatePerIP = 0, 0 // TestKeysDuringSlowloris floods from one address
	srv, err := netcore.Listen(cfg, course.Lessons[li].Steps[0].Behavior, inbox)
	if err != nil {
		t.Fatal(err)
	}
	client := netcore.NewClient(inbox)
	t.Cleanup(func() {
		client.CloseAll()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	store, _, _, err := lessons.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	inbox.Drain() // the listening events carry the random port
	m := New(Deps{
		Backend: NewLive(Live{Server: srv, Client: client, Inbox: inbox}), Course: course, Store: store,
		Progress: lessons.Progress{Lesson: id}, Addr: lessons.Address{Host: "localhost", Port: srv.Port()},
		UI: lessons.UIStrings(lang),
	})
	return &rig{m: m, server: srv, inbox: inbox, store: store}
}

func (r *rig) size(w, h int) { r.m.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

// press sends one key and runs any command it returns that finishes at once.
func (r *rig) press(k tea.KeyPressMsg) tea.Cmd {
	_, cmd := r.m.Update(k)
	return cmd
}

func keyRune(c rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: c, Text: string(c)} }

var (
	keyEnter    = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyTab      = tea.KeyPressMsg{Code: tea.KeyTab}
	keyShiftTab = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	keySpace    = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	keyEsc      = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyUp       = tea.KeyPressMsg{Code: tea.KeyUp}
	keyCtrlC    = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)

// flushUntil drains the inbox into the model as the tick would, until cond
// holds or the deadline passes.
func (r *rig) flushUntil(t *testing.T, cond func() bool) {
	t.Helper()
	r.flushWithin(t, 5*time.Second, cond)
}

func (r *rig) flushWithin(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		r.m.Update(batchMsg{events: r.inbox.Drain(), folded: r.inbox.Folded(), totals: r.server.Totals()})
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("condition not met within %s", d)
}

// act presses enter, runs the step's action for real and hands its result
// back to the model, as the program would.
func (r *rig) act(t *testing.T) {
	t.Helper()
	cmd := r.press(keyEnter)
	if cmd == nil {
		t.Fatal("enter started no action")
	}
	msg := cmd()
	if done, ok := msg.(actionDoneMsg); !ok || done.err != nil {
		t.Fatalf("action: %#v", msg)
	}
	r.m.Update(msg)
}
