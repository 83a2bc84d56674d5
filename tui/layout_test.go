package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/netcore"
)

// notes feeds n note events to the model as one batch.
func notes(m *Model, n int) {
	var b batchMsg
	for i := 0; i < n; i++ {
		b.events = append(b.events, netcore.Event{Kind: netcore.Note, Text: "note"})
	}
	m.Update(b)
}

// pgup and pgdn move by the rows the focused pane shows, not half the screen.
func TestPagingMovesByThePaneHeight(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		r := newRig(t, "tcp-accept")
		r.size(size[0], size[1])
		notes(r.m, 300)
		r.press(keyTab) // the events pane
		r.press(tea.KeyPressMsg{Code: tea.KeyPgUp})
		// The frame's inner rows: what the pane shows of the 300 events.
		rows := 0
		for _, line := range strings.Split(ansi.Strip(r.m.screen()), "\n") {
			if strings.Contains(line, "note") {
				rows++
			}
		}
		if rows == 0 || r.m.eventsView.offset != rows {
			t.Errorf("%dx%d: pgup scrolled %d rows, the pane shows %d", size[0], size[1], r.m.eventsView.offset, rows)
		}
		r.press(tea.KeyPressMsg{Code: tea.KeyPgDown})
		if r.m.eventsView.offset != 0 {
			t.Errorf("%dx%d: pgdn should come back to the newest, offset %d", size[0], size[1], r.m.eventsView.offset)
		}
	}
}

// View only formats: drawn twice it draws the same, and it moves nothing,
// even when the panes were scrolled past their ends.
func TestViewChangesNothing(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	notes(r.m, 30)
	for i := 0; i < 40; i++ {
		r.press(tea.KeyPressMsg{Code: tea.KeyPgDown}) // the lesson, far past its end
	}
	r.press(keyTab)
	for i := 0; i < 200; i++ {
		r.press(keyRune('k')) // the events, far past the oldest
	}
	r.press(keyTab)
	for i := 0; i < 200; i++ {
		r.press(keyRune('k')) // the bytes, with none
	}
	type scroll struct{ lesson, events, bytes int }
	before := scroll{r.m.lessonView.offset, r.m.eventsView.offset, r.m.bytesView.offset}
	first := r.m.View().Content
	second := r.m.View().Content
	after := scroll{r.m.lessonView.offset, r.m.eventsView.offset, r.m.bytesView.offset}
	if first != second {
		t.Error("two Views of one model differ")
	}
	if before != after {
		t.Errorf("View moved the panes: %+v, then %+v", before, after)
	}
	if before.events != 30-13 || before.bytes != 0 {
		t.Errorf("Update should keep the panes' offsets in range: %+v", before)
	}
}

// The message box follows the window: opened wide, then made narrow, it
// still fits.
func TestMessageBoxFollowsResize(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(120, 40)
	r.press(keyRune('m'))
	r.size(64, 24)
	for i, line := range strings.Split(ansi.Strip(r.m.screen()), "\n") {
		if w := ansi.StringWidth(line); w > 64 {
			t.Fatalf("line %d is %d cells, wider than the window: %q", i, w, line)
		}
	}
}
