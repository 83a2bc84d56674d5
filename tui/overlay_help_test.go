package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// At 80×24 the ? screen reaches every key that can act: they do not all
// fit, so it scrolls, and paging down shows the rest.
func TestKeysScreenReachesEveryKeyAt80x24(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(80, 24)
	r.press(keyRune('?'))
	seen := ""
	for i := 0; i < 10; i++ {
		screen := ansi.Strip(r.m.screen())
		if lines := strings.Split(screen, "\n"); len(lines) > 24 {
			t.Fatalf("the keys screen is %d lines in a 24-line window", len(lines))
		}
		seen += screen
		r.press(tea.KeyPressMsg{Code: tea.KeyPgDown})
	}
	for _, col := range r.m.keys.fullHelp() {
		for _, b := range col {
			if b.Enabled() && !strings.Contains(seen, b.Help().Key+" ") {
				t.Errorf("key %q (%s) never shows on the keys screen", b.Help().Key, b.Help().Desc)
			}
		}
	}
}
