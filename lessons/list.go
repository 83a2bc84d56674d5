package lessons

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/netcore"
)

// Locate finds a lesson by id and a 1-based step number (0 means the first).
func (c *Course) Locate(id string, step int) (lesson, index int, err error) {
	li := c.Find(id)
	if li < 0 {
		return 0, 0, fmt.Errorf("no lesson %s (see `tubes lessons`; ids: %s)", netcore.Quote(id), strings.Join(IDs(), ", "))
	}
	n := len(c.Lessons[li].Steps)
	if step < 0 || step > n {
		return 0, 0, fmt.Errorf("lesson %s has steps 1 to %d, not %d", id, n, step)
	}
	return li, max(step, 1) - 1, nil
}

// WriteList prints the lessons with their progress, one per line.
func (c *Course) WriteList(w io.Writer, p Progress) {
	titleW := 0
	for _, l := range c.Lessons {
		titleW = max(titleW, ansi.StringWidth(l.Title))
	}
	for i, l := range c.Lessons {
		done := 0
		for s := range l.Steps {
			if p.IsDone(l.ID, s) {
				done++
			}
		}
		mark := " "
		if done == len(l.Steps) {
			mark = "✓"
		}
		here := "  "
		if l.ID == p.Lesson {
			here = "▸ "
		}
		title := l.Title + strings.Repeat(" ", titleW-ansi.StringWidth(l.Title))
		fmt.Fprintf(w, "%s%2d. %-15s %s %s/%s %s\n", here, i+1, l.ID, title, strconv.Itoa(done), strconv.Itoa(len(l.Steps)), mark)
	}
}
