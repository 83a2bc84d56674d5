package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// keysPanel is the ? screen: every key that can act, one per row, over
// the one scrolling list, so no key falls off a small window. It is drawn
// from the keymap, so it cannot drift.
type keysPanel struct{ rows list }

// open sizes the list for the keys that can act now.
func (p *keysPanel) open(k keyMap, room int) {
	p.rows = list{}
	p.rows.setSize(len(enabled(k)), room)
}

// key scrolls, and reports whether msg closes the screen.
func (p *keysPanel) key(msg tea.KeyPressMsg, k keyMap) (closed bool) {
	if key.Matches(msg, k.Help, k.Close, k.Quit) {
		return true
	}
	// The list scrolls by its window: the cursor rides the bottom row.
	if key.Matches(msg, k.Down, k.PageDown, k.End) && p.rows.cursor < p.rows.offset+p.rows.height-1 {
		p.rows.moveTo(p.rows.offset + p.rows.height - 1)
	}
	if key.Matches(msg, k.Up, k.PageUp, k.Home) && p.rows.cursor > p.rows.offset {
		p.rows.moveTo(p.rows.offset)
	}
	p.rows.update(msg, k)
	return false
}

// enabled is every binding of the ? screen that can act now, in order.
func enabled(k keyMap) []key.Binding {
	var out []key.Binding
	for _, col := range k.fullHelp() {
		for _, b := range col {
			if b.Enabled() {
				out = append(out, b)
			}
		}
	}
	return out
}

func (p *keysPanel) view(st styles, t func(string) string, k keyMap, width int) string {
	keys := enabled(k)
	labelW := 0
	for _, b := range keys {
		labelW = max(labelW, ansi.StringWidth(b.Help().Key))
	}
	inner := max(20, width-6)
	body := ""
	from, to := p.rows.window()
	for i := from; i < to && i < len(keys); i++ {
		h := keys[i].Help()
		line := st.bold.Render(h.Key) + strings.Repeat(" ", labelW-ansi.StringWidth(h.Key)+2) + st.dim.Render(h.Desc)
		body += ansi.Truncate(line, inner, "…") + "\n"
	}
	if pos := p.rows.position(); pos != "" {
		body += st.dim.Render(pos+" · ↑↓ pgup pgdn") + "\n"
	}
	return st.overlay.Render(st.bold.Render(t("help.title")) + "\n\n" + body + "\n" + st.dim.Render(t("help.close")))
}
