package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// The replay's jump keys are neither offered nor handled live.
func TestReplayKeysAreHiddenLive(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 50)
	for name, k := range map[string]bool{"]": r.m.keys.RecNext.Enabled(), "[": r.m.keys.RecPrev.Enabled(),
		"f": r.m.keys.Speed.Enabled(), "J": r.m.keys.Skip.Enabled(), "r": r.m.keys.Again.Enabled()} {
		if k {
			t.Errorf("%s is enabled live", name)
		}
	}
	r.press(keyRune('?'))
	if help := ansi.Strip(r.m.screen()); strings.Contains(help, "replay speed") || strings.Contains(help, "replay again") {
		t.Errorf("live help offers replay keys:\n%s", help)
	}
	r.press(keyEsc)
	r.press(keyRune('f'))
	if bs := r.m.d.Backend.State(); bs.Speed != 0 {
		t.Errorf("f changed a live backend: %+v", bs)
	}
}

// In a replay, ] jumps to the next recorded step, f speeds up, [ goes back
// a step and clears the panes, the end says so, and r plays again.
func TestReplayKeysAct(t *testing.T) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.jsonl")
	at := time.Now()
	var b strings.Builder
	for step := 0; step < 3; step++ {
		b.WriteString(netcore.JSONLine(netcore.Event{Time: at, Kind: netcore.StepChanged, Text: "tcp-accept", Step: step}) + "\n")
		for i := 0; i < 5; i++ { // each step holds 5 s of recorded talk
			at = at.Add(time.Second)
			b.WriteString(netcore.JSONLine(netcore.Event{Time: at, Kind: netcore.Note, Text: "talk"}) + "\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := netcore.OpenRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	inbox := netcore.NewInbox(100)
	rep := netcore.NewReplayerFrom(rec, inbox)
	rep.SetReopen(func() (netcore.EventSource, error) { return netcore.OpenRecording(path) })
	m := New(Deps{Backend: NewReplay(rep, inbox), Course: course, Progress: lessons.Progress{Lesson: "tcp-accept"},
		Addr: lessons.Address{Host: "localhost", Port: 3000}, UI: lessons.UIStrings("en")})
	r := &rig{m: m}
	r.size(140, 50)
	go rep.Run(t.Context())

	// poll feeds the model as the program's tick does, until the status
	// line holds want.
	poll := func(what, want string, d time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			m.Update(m.flushTick()())
			if s := ansi.Strip(m.screen()); strings.Contains(lineWith(s, "replay"), want) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no %q in the status line:\n%s", what, want, lineWith(ansi.Strip(m.screen()), "replay"))
			}
		}
	}
	poll("start", "step 1/4", 2*time.Second)
	start := time.Now()
	r.press(keyRune(']'))
	poll("]", "step 2/4", time.Second)
	if d := time.Since(start); d > 700*time.Millisecond {
		t.Errorf("] took %s to reach the next step", d)
	}
	r.press(keyRune('f'))
	poll("f", "4×", time.Second)
	r.press(keyRune('['))
	poll("[", "step 1/4", time.Second)
	if m.events.size > 2 {
		t.Errorf("after [ the events pane holds %d events from before the jump", m.events.size)
	}
	r.press(keyRune(']'))
	poll("] again", "step 2/4", time.Second)
	r.press(keyRune(']'))
	poll("] to the last step", "step 3/4", time.Second)
	r.press(keyRune('J')) // the rest is 1 s apart: skip runs to the end... at 4x
	r.press(keyRune('f'))
	poll("the end", "replay ended — r to replay again", 5*time.Second)
	r.press(keyRune('r'))
	poll("r", "step 1/4", 2*time.Second)
	if s := lineWith(ansi.Strip(m.screen()), "replay"); strings.Contains(s, "ended") {
		t.Errorf("after r the status line still says ended: %s", s)
	}
}
