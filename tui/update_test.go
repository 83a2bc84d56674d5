package tui

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

func TestStepKeysMoveAndSwapBehavior(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	if cmd := r.press(keyRune('n')); cmd == nil {
		t.Fatal("n should save progress")
	}
	if r.m.step != 1 || r.server.Behavior().Name() != "accept-only" {
		t.Fatalf("after n: step %d, behavior %s", r.m.step, r.server.Behavior().Name())
	}
	r.press(keyRune('n'))
	r.press(keyRune('n')) // Your turn
	r.press(keyRune('n')) // past the last step: on to the next lesson
	if r.m.current().ID != "client" || r.m.step != 0 || r.server.Behavior().Name() != "accept-only" {
		t.Fatalf("want client step 0, got %s step %d (%s)", r.m.current().ID, r.m.step, r.server.Behavior().Name())
	}
	r.press(keyRune('p')) // and back
	if r.m.current().ID != "tcp-accept" || r.m.step != 3 {
		t.Fatalf("p should go back to tcp-accept step 4, got %s %d", r.m.current().ID, r.m.step)
	}
	r.press(tea.KeyPressMsg{Code: tea.KeyLeft})
	if r.m.step != 2 {
		t.Fatalf("left arrow should go back, step %d", r.m.step)
	}
	if r.m.d.Progress.Lesson != "tcp-accept" || r.m.d.Progress.Step != 2 {
		t.Fatalf("progress not following: %+v", r.m.d.Progress)
	}
}

func TestFocusHexHintPauseClearKeys(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(120, 40)
	r.press(keyTab)
	if r.m.focus != focusEvents {
		t.Fatalf("tab: focus %d", r.m.focus)
	}
	r.press(keyShiftTab)
	r.press(keyShiftTab)
	if r.m.focus != focusBytes {
		t.Fatalf("shift+tab twice from events: focus %d", r.m.focus)
	}
	r.press(keyRune('x'))
	if r.m.bytesView.mode != hexMode || !strings.Contains(r.m.screen(), "Bytes · hex") {
		t.Fatal("x should switch the bytes pane to hex")
	}
	r.press(keyRune('h'))
	if r.m.hints != 1 || !strings.Contains(ansi.Strip(r.m.screen()), "Hint 1/") {
		t.Fatalf("h should show the first hint, hints=%d", r.m.hints)
	}
	r.press(keyRune('h'))
	r.press(keyRune('h')) // wraps around after the last hint
	if r.m.hints != 1 {
		t.Fatalf("hints should cycle, got %d", r.m.hints)
	}

	// Real traffic, then pause: new events are kept but not shown.
	r.act(t)
	r.flushUntil(t, func() bool { return r.m.chunks.total >= 2 })
	r.press(keySpace)
	shown := r.m.chunks.visible(r.m.pausedCh)
	r.act(t)
	r.flushUntil(t, func() bool { return r.m.chunks.total >= 4 })
	if got := r.m.chunks.visible(r.m.pausedCh); got != shown {
		t.Fatalf("paused view moved: %d blocks, was %d", got, shown)
	}
	if !strings.Contains(ansi.Strip(r.m.screen()), "paused") {
		t.Fatal("status line should say paused")
	}
	r.press(keySpace)
	r.press(keyRune('c'))
	if r.m.events.size != 0 || r.m.chunks.size != 0 {
		t.Fatal("c should clear the panes")
	}
	if r.m.totals.Accepted < 2 {
		t.Fatalf("clearing must not touch the totals: %+v", r.m.totals)
	}
}

func TestEnterRunsTheStepAndCompletesIt(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(120, 40)
	cmd := r.press(keyEnter)
	if cmd == nil || !r.m.busy {
		t.Fatal("enter should start the action")
	}
	if r.press(keyEnter) != nil {
		t.Fatal("a second enter while busy must not start another action")
	}
	r.m.Update(cmd())
	r.flushUntil(t, r.m.stepDone)
	screen := ansi.Strip(r.m.screen())
	for _, want := range []string{"✓ Step done", "Hello client! 🎉", "Hello server! 🎈", "step 1/4 ✓"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
}

func TestEnterWithoutActionSaysSo(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	r.press(keyRune('n')) // step 2 is done from outside the app
	if cmd := r.press(keyEnter); cmd != nil {
		t.Fatal("enter must do nothing on a step without an action")
	}
	if !strings.Contains(ansi.Strip(r.m.screen()), "outside the app") {
		t.Fatal("the status line should explain why enter did nothing")
	}
}

func TestOverlaysAndLessonList(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	r.press(keyRune('?'))
	if r.m.overlay != helpOverlay || !strings.Contains(ansi.Strip(r.m.screen()), "Keys") {
		t.Fatal("? should open the keys screen")
	}
	if cmd := r.press(keyRune('q')); cmd != nil {
		t.Fatal("q in an overlay closes it, it does not quit")
	}
	if r.m.overlay != noOverlay {
		t.Fatal("q should close the overlay")
	}
	r.press(keyRune('l'))
	screen := ansi.Strip(r.m.screen())
	for _, id := range []string{"tcp-accept", "ping-pong", "http-response"} {
		if !strings.Contains(screen, id) {
			t.Fatalf("lesson list lacks %s", id)
		}
	}
	r.press(keyRune('j'))
	r.press(keyRune('j'))
	r.press(keyUp)
	r.press(keyEnter)
	if r.m.overlay != noOverlay || r.m.current().ID != "client" {
		t.Fatalf("list enter should open the second lesson, got %s", r.m.current().ID)
	}
	r.press(keyRune('l'))
	r.press(keyEsc)
	if r.m.overlay != noOverlay {
		t.Fatal("esc should close the list")
	}
}

func TestQuitKeys(t *testing.T) {
	r := newRig(t, "tcp-accept")
	for _, k := range []tea.KeyPressMsg{keyRune('q'), keyCtrlC} {
		cmd := r.press(k)
		if cmd == nil {
			t.Fatalf("%s should quit", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s should return tea.Quit", k)
		}
	}
}

func TestScrollingTheFocusedPane(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 24)
	r.press(keyRune('j'))
	r.press(keyRune('j'))
	if r.m.lessonView.offset != 2 {
		t.Fatalf("j should scroll the lesson, offset %d", r.m.lessonView.offset)
	}
	r.press(tea.KeyPressMsg{Code: tea.KeyPgDown})
	r.m.screen() // the view clamps the offset to the text
	if r.m.lessonView.offset < 2 {
		t.Fatal("pgdn should scroll further")
	}
	top := ansi.Strip(r.m.screen())
	r.press(tea.KeyPressMsg{Code: tea.KeyPgUp})
	r.press(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if ansi.Strip(r.m.screen()) == top || r.m.lessonView.offset != 0 {
		t.Fatal("pgup should scroll back to the top")
	}
}

func TestLayoutsBySize(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(59, 30)
	if !strings.Contains(r.m.screen(), "larger") {
		t.Fatal("a too-small window should ask to be made larger")
	}
	r.size(80, 24)
	stacked := ansi.Strip(r.m.screen())
	if strings.Contains(stacked, "1 Lesson") || !strings.Contains(stacked, "─ Lesson ") || !strings.Contains(stacked, "─ Events ") || !strings.Contains(stacked, "─ Bytes") {
		t.Fatalf("at 80×24 the lesson and the live traffic should be stacked, no tabs:\n%s", stacked)
	}
	r.size(70, 22)
	narrow := ansi.Strip(r.m.screen())
	if !strings.Contains(narrow, "1 Lesson") || !strings.Contains(narrow, "3 Bytes") {
		t.Fatal("below 80×24 the layout should show tabs")
	}
	r.press(keyRune('2'))
	if !strings.Contains(ansi.Strip(r.m.screen()), "No events yet") {
		t.Fatal("2 should show the events pane")
	}
	r.size(120, 40)
	wide := ansi.Strip(r.m.screen())
	for _, want := range []string{"Lesson", "Events", "Bytes", "localhost:", "accept-only"} {
		if !strings.Contains(wide, want) {
			t.Fatalf("wide layout lacks %q", want)
		}
	}
	for i, line := range strings.Split(wide, "\n") {
		if w := ansi.StringWidth(line); w > 120 {
			t.Fatalf("line %d is %d cells wide", i, w)
		}
	}
}

func TestIdleStopsTicking(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.m.Update(wakeMsg{})
	if !r.m.ticking {
		t.Fatal("a wake should start the flush tick")
	}
	_, cmd := r.m.Update(batchMsg{})
	if r.m.ticking || cmd == nil {
		t.Fatal("an empty batch should stop ticking and wait for the inbox")
	}
}

func TestFoldedEventsAreShown(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	// A tiny inbox, flooded: what does not fit is folded, and the count shows.
	small := netcore.NewInbox(5)
	for i := 0; i < 1234; i++ {
		small.Push(netcore.Event{Kind: netcore.Note, Text: "flood"})
	}
	r.m.Update(batchMsg{events: small.Drain(), folded: small.Folded()})
	if !strings.Contains(ansi.Strip(r.m.screen()), "1,229 events folded") {
		t.Fatalf("status line should count folded events:\n%s", ansi.Strip(r.m.screen()))
	}
}

func TestResumesWhereTheLearnerLeft(t *testing.T) {
	r := newRig(t, "tcp-accept")
	d := r.m.d
	d.Progress = lessons.Progress{Lesson: "http-response", Step: 2}
	m := New(d)
	if m.current().ID != "http-response" || m.step != 2 || r.server.Behavior().Name() != "http-hello" {
		t.Fatalf("resumed at %s step %d with %s", m.current().ID, m.step, r.server.Behavior().Name())
	}
	d.Progress = lessons.Progress{Lesson: "ping-pong", Step: 99} // from an older course
	if m := New(d); m.current().ID != "ping-pong" || m.step != 3 {
		t.Fatalf("an out-of-range step should clamp, got step %d", m.step)
	}
}

func TestLessonMarkdownIsRenderedOncePerWidth(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(120, 40)
	r.m.screen()
	r.m.screen()
	if n := len(r.m.lessonView.cache); n != 1 {
		t.Fatalf("two frames at one width: %d renders cached, want 1", n)
	}
	r.size(130, 40)
	r.m.screen()
	if n := len(r.m.lessonView.cache); n != 2 {
		t.Fatalf("a new width renders once more: %d, want 2", n)
	}
}

func TestExampleKeyShowsTheLessonsProgram(t *testing.T) {
	for _, id := range lessons.IDs() {
		r := newRig(t, id)
		r.size(120, 40)
		r.press(keyRune('e'))
		screen := ansi.Strip(r.m.screen())
		// 3001, not tubes' own port: the example runs beside tubes.
		if !strings.Contains(screen, "PORT=3001 go run ./assets/examples/"+id) || !strings.Contains(screen, "package main") {
			t.Fatalf("%s: e should show the example program:\n%s", id, screen)
		}
		for _, c := range []struct{ command, file string }{
			{"PORT=3001 node assets/examples/" + id + "/server.mjs", "server.mjs"},
			{"PORT=3001 python3 assets/examples/" + id + "/server.py", "server.py"},
		} {
			r.press(keyRune('v'))
			screen := ansi.Strip(strings.Join(r.m.lessonBody(200), "\n")) // wide: the command is not cut
			first := strings.SplitN(lessons.ExampleFile(id, c.file), "\n", 2)[0]
			first = first[:min(len(first), 12)] // wrapped at the pane's width
			if !strings.Contains(screen, c.command) || first == "" || !strings.Contains(screen, first) || strings.Contains(screen, "package main") {
				t.Fatalf("%s: v should show %s:\n%s", id, c.file, screen)
			}
		}
		r.press(keyRune('v'))
		if !strings.Contains(ansi.Strip(r.m.screen()), "package main") {
			t.Fatalf("%s: a third v should come back to Go", id)
		}
		r.press(keyRune('e'))
		if strings.Contains(ansi.Strip(r.m.screen()), "package main") {
			t.Fatalf("%s: a second e should go back to the lesson", id)
		}
	}
}

func TestExampleCommandAvoidsTubesPort(t *testing.T) {
	r := newRig(t, "http-response")
	r.size(120, 40)
	r.m.d.Addr.Port = 3001 // tubes --port 3001
	r.press(keyRune('e'))
	if screen := ansi.Strip(r.m.screen()); !strings.Contains(screen, "PORT=3002 go run ./assets/examples/http-response") {
		t.Fatalf("the example's command should not name tubes' own port:\n%s", screen)
	}
}

func TestParsedViewMarksEachPartOfARequest(t *testing.T) {
	r := newRig(t, "http-request")
	r.size(120, 60)
	r.press(keyRune('n'))
	r.press(keyRune('n')) // step 3: enter sends a POST with a body
	r.act(t)
	r.flushUntil(t, r.m.stepDone)
	r.press(keyRune('x'))
	r.press(keyRune('x'))
	r.press(keyRune('3'))
	screen := ansi.Strip(r.m.screen())
	r.press(tea.KeyPressMsg{Code: tea.KeyPgUp}) // the parsed response is below the request
	screen += ansi.Strip(r.m.screen())
	for _, want := range []string{"Bytes · parsed", "@0–21 request line (21 B)", "header", "blank line (2 B)", "body (19 B)", "name=tubes&lesson=7"} {
		if !strings.Contains(screen, want) {
			t.Errorf("parsed view lacks %q:\n%s", want, screen)
		}
	}
}

// y puts the tap in front of the learner's own server: the step's check
// then follows that server, and y again switches back.
func TestYourServerThroughTheTap(t *testing.T) {
	r := newRig(t, "http-response")
	r.size(120, 40)
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	theirs, err := netcore.Listen(cfg, behaviors.HTTPHello{}, netcore.NewInbox(100))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = theirs.Shutdown(context.Background()) })
	target := net.JoinHostPort("127.0.0.1", strconv.Itoa(theirs.Port()))

	r.press(keyRune('y'))
	for range r.m.inputBox.field.Value() {
		r.press(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	for _, c := range target {
		r.press(keyRune(c))
	}
	r.press(keyEnter)
	if got := r.server.Behavior().Name(); got != "tap → "+target {
		t.Fatalf("behavior %q, want the tap", got)
	}
	r.press(keyRune('n')) // curl's step: still through the tap
	if got := r.server.Behavior().Name(); got != "tap → "+target {
		t.Fatalf("a new step must keep watching your server, got %q", got)
	}
	send(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())), curlGet, true)
	r.flushUntil(t, r.m.stepDone)
	if !strings.Contains(ansi.Strip(r.m.screen()), "tap #1") {
		t.Errorf("the events pane should mark the tap's events:\n%s", ansi.Strip(r.m.screen()))
	}
	r.press(keyRune('y'))
	if got := r.server.Behavior().Name(); got != "http-hello" {
		t.Fatalf("y again should restore the lesson's server, got %q", got)
	}
}

// y aimed at the app's own address would relay to itself: the prompt
// refuses it with a reason and the lesson's server stays.
func TestYoursRefusesTheAppsOwnAddress(t *testing.T) {
	r := newRig(t, "http-response")
	r.size(120, 40)
	for _, own := range []string{"localhost:" + strconv.Itoa(r.server.Port()), "127.0.0.1:" + strconv.Itoa(r.server.Port())} {
		r.press(keyRune('y'))
		for range r.m.inputBox.field.Value() {
			r.press(tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
		for _, c := range own {
			r.press(keyRune(c))
		}
		r.press(keyEnter)
		if got := r.server.Behavior().Name(); got != "http-hello" {
			t.Fatalf("y %s: behavior %q, want the lesson's own server", own, got)
		}
		if !r.m.statusIsErr || !strings.Contains(r.m.status, r.m.t("yours.self")) {
			t.Fatalf("y %s: status %q, want the own-address reason", own, r.m.status)
		}
	}
}
