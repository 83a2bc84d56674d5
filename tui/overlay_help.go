package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keysPanel is the ? screen: every key that can act, in two columns.
// It keeps nothing but is drawn from the keymap, so it cannot drift.
type keysPanel struct{}

// closes reports whether msg closes the screen.
func (keysPanel) closes(msg tea.KeyPressMsg, k keyMap) bool {
	return key.Matches(msg, k.Help, k.Close, k.Quit)
}

func (keysPanel) view(st styles, t func(string) string, h help.Model, k keyMap, width int) string {
	h.SetWidth(width - 6) // a copy: sized to the box, not the screen
	return st.overlay.Render(st.bold.Render(t("help.title")) + "\n\n" + h.FullHelpView(k.fullHelp()) + "\n\n" + st.dim.Render(t("help.close")))
}
