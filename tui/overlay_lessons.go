package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// lessonsPanel is the lesson list (l): pick a lesson to open.
type lessonsPanel struct{ list list }

func (o *lessonsPanel) open(current, n, rows int) {
	o.list = list{}
	o.list.setSize(n, rows)
	o.list.moveTo(current)
}

// key handles msg; it returns the lesson chosen (-1: none) and whether
// the list is closed.
func (o *lessonsPanel) key(msg tea.KeyPressMsg, k keyMap) (chosen int, closed bool) {
	switch {
	case key.Matches(msg, k.Close, k.List, k.Quit):
		return -1, true
	case key.Matches(msg, k.Choose):
		return o.list.cursor, true
	case key.Matches(msg, k.Prev): // n and p move here as they move through steps
		o.list.moveTo(o.list.cursor - 1)
	case key.Matches(msg, k.Next):
		o.list.moveTo(o.list.cursor + 1)
	default:
		o.list.update(msg, k)
	}
	return -1, false
}

func (o lessonsPanel) view(st styles, t func(string) string, course *lessons.Course, progress lessons.Progress, width int) string {
	var b strings.Builder
	b.WriteString(st.bold.Render(t("list.title")) + "\n\n")
	idW, titleW := 0, 0
	for _, l := range course.Lessons {
		idW, titleW = max(idW, len(l.ID)), max(titleW, ansi.StringWidth(l.Title))
	}
	titleW = min(titleW, max(10, width-idW-24))
	from, to := o.list.window()
	for i := from; i < to; i++ {
		l := course.Lessons[i]
		done := 0
		for s := range l.Steps {
			if progress.IsDone(l.ID, s) {
				done++
			}
		}
		mark, style := "  ", st.listPlain
		if i == o.list.cursor {
			mark, style = "▸ ", st.listCursor
		}
		check := " "
		if done == len(l.Steps) {
			check = "✓"
		}
		title := fit(ansi.Truncate(l.Title, titleW, "…"), titleW)
		fmt.Fprintf(&b, "%s\n", style.Render(fmt.Sprintf("%s%2d. %-*s %s %d/%d %s", mark, i+1, idW, l.ID, title, done, len(l.Steps), check)))
	}
	if pos := o.list.position(); pos != "" {
		b.WriteString(st.dim.Render("  "+pos) + "\n")
	}
	b.WriteString("\n" + st.dim.Render(t("list.help")))
	return st.overlay.Render(b.String())
}
