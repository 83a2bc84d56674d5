package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Behind "make the window larger" the learner sees nothing, so no key may
// act there but quit: not a step change, not an action, not an overlay.
func TestKeysDoNothingBehindTheSmallScreen(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(50, 15)
	if !strings.Contains(r.m.screen(), "larger") {
		t.Fatalf("not the small screen:\n%s", r.m.screen())
	}
	for _, k := range []tea.KeyPressMsg{keyRune('n'), keyEnter, keyRune('?'), keyRune('l'), keyTab, keyRune('x'), keySpace, keyRune('c')} {
		if cmd := r.press(k); cmd != nil {
			t.Errorf("%s behind the small screen returned a command", k)
		}
	}
	if r.m.step != 0 || r.m.overlay != noOverlay || r.m.focus != focusLesson || r.m.busy || r.m.paused || r.m.bytesView.mode != textMode {
		t.Fatalf("keys acted behind the small screen: step %d overlay %d focus %d busy %v paused %v", r.m.step, r.m.overlay, r.m.focus, r.m.busy, r.m.paused)
	}
	if cmd := r.press(keyRune('q')); cmd == nil {
		t.Fatal("q must still quit")
	}
}

// The ? screen lists every scrolling key, down and page down included.
func TestHelpListsEveryScrollKey(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	r.press(keyRune('?'))
	screen := ansi.Strip(r.m.screen())
	for _, want := range []string{"↑/k", "↓/j", "pgup", "pgdn", "home", "end"} {
		if !strings.Contains(screen, want) {
			t.Errorf("? does not list %q:\n%s", want, screen)
		}
	}
}

// hexText is the text column of each hex row.
func hexText(rows []string) []string {
	var out []string
	for _, r := range rows {
		r = ansi.Strip(r)
		out = append(out, r[strings.LastIndex(r, "  ")+2:])
	}
	return out
}

// Hex mode's text column shows characters as they are, side by side: a
// multi-byte character is not followed by filler spaces, and a space the
// row ends with is drawn so it can be seen.
func TestHexTextColumnHasNoFillerAndShowsTrailingSpaces(t *testing.T) {
	st := newStyles(true, false)
	got := hexText(hexLines(st, []byte("안녕 🎈ok "), 0, 80))
	if len(got) != 1 || got[0] != "안녕 🎈ok␠" {
		t.Fatalf("text column %q, want %q", got, "안녕 🎈ok␠")
	}
}
