package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A resize while the lesson is scrolled (down and sideways) must not make
// Update render the Markdown at the new width: only View renders, once
// per width. The offsets still end up in range: View clamps what it shows
// on that first frame, and the next message clamps the offsets.
func TestResizeWhileScrolledRendersOnlyInView(t *testing.T) {
	r := newRig(t, "chunked")
	r.size(120, 24)
	r.press(keyRune('n')) // step 2: long, and its curl command is cut at 120 columns
	r.m.screen()
	r.press(tea.KeyPressMsg{Code: tea.KeyEnd})
	for range 20 {
		r.press(tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift})
	}
	r.m.screen()
	if r.m.lessonView.offset == 0 || r.m.lessonView.side == 0 {
		t.Fatalf("end and > should have scrolled the lesson: offset %d, side %d", r.m.lessonView.offset, r.m.lessonView.side)
	}
	rendered := len(r.m.lessonView.cache)

	// Wider: the text wraps into fewer lines, so the old offset is past
	// the end at the new width.
	for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 150, Height: 24}, keyRune('j'), tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}} {
		r.m.Update(msg)
		if n := len(r.m.lessonView.cache); n != rendered {
			t.Fatalf("Update(%T) rendered the lesson: %d renders cached, want %d", msg, n, rendered)
		}
	}
	first := ansi.Strip(r.m.screen())
	if n := len(r.m.lessonView.cache); n != rendered+1 {
		t.Fatalf("the first frame at the new width: %d renders cached, want %d", n, rendered+1)
	}

	w, h := r.m.lay.panes[focusLesson].inner()
	body := r.m.lessonBody(w)
	room := max(1, h-len(r.m.lessonHead(w)))
	r.m.Update(keyRune('j')) // at the end already: stays there
	if want := max(0, len(body)-room); want == 0 || r.m.lessonView.offset != want {
		t.Fatalf("after a frame at the new width, offset %d, want the end (%d)", r.m.lessonView.offset, want)
	}
	widest := 0
	for _, line := range body {
		widest = max(widest, ansi.StringWidth(line))
	}
	if want := max(0, widest-w+1); r.m.lessonView.side != want {
		t.Fatalf("side %d, want %d (the widest line's end in sight)", r.m.lessonView.side, want)
	}
	if again := ansi.Strip(r.m.screen()); again != first {
		t.Fatalf("the first frame at the new width should already show the clamped view:\n%s\nlater:\n%s", first, again)
	}
	if len(r.m.lessonView.cache) != rendered+1 {
		t.Fatal("a second frame at one width rendered again")
	}
}
