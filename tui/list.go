package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// list is a cursor over n rows seen through a window of height rows. The
// lesson list and the peers panel both scroll with it, so the selected row
// is always one the learner can see.
type list struct{ cursor, offset, height, n int }

// setSize sets the rows and the room for them. When they do not all fit,
// one row of the room goes to the position line.
func (l *list) setSize(n, room int) {
	l.n, l.height = n, max(1, room)
	if n > room {
		l.height = max(1, room-1)
	}
	l.moveTo(l.cursor)
}

// moveTo puts the cursor on row i (within the rows) and scrolls just
// enough to show it.
func (l *list) moveTo(i int) {
	l.cursor = min(max(i, 0), max(0, l.n-1))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = min(max(l.offset, 0), max(0, l.n-l.height))
}

// update moves the cursor for the list keys and reports whether msg was one.
func (l *list) update(msg tea.KeyPressMsg, k keyMap) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.moveTo(l.cursor - 1)
	case key.Matches(msg, k.Down):
		l.moveTo(l.cursor + 1)
	case key.Matches(msg, k.PageUp):
		l.moveTo(l.cursor - l.height)
	case key.Matches(msg, k.PageDown):
		l.moveTo(l.cursor + l.height)
	case key.Matches(msg, k.Home):
		l.moveTo(0)
	case key.Matches(msg, k.End):
		l.moveTo(l.n - 1)
	default:
		return false
	}
	return true
}

// window is the rows on screen, from and to (exclusive).
func (l list) window() (from, to int) { return l.offset, min(l.n, l.offset+l.height) }

// position says which rows show, when not all do: "17–31 / 61".
func (l list) position() string {
	if l.n <= l.height {
		return ""
	}
	from, to := l.window()
	return fmt.Sprintf("%d–%d / %d", from+1, to, l.n)
}
