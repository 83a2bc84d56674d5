package lessons

import (
	"encoding/json"
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

// WriteList prints the lessons with their progress, one per line: steps
// watched (done of all, ✓ when all) and "built" when the learner's own
// server passed the lesson's check.
func (c *Course) WriteList(w io.Writer, p Progress, builtWord string) {
	titleW := 0
	for _, l := range c.Lessons {
		titleW = max(titleW, ansi.StringWidth(l.Title))
	}
	for i, l := range c.Lessons {
		done := c.stepsDone(l, p)
		mark := " "
		if done == len(l.Steps) {
			mark = "✓"
		}
		here := "  "
		if l.ID == p.Lesson {
			here = "▸ "
		}
		built := ""
		if p.Built(l.ID) {
			built = "  " + builtWord
		}
		title := l.Title + strings.Repeat(" ", titleW-ansi.StringWidth(l.Title))
		fmt.Fprintf(w, "%s%2d. %-15s %s %s/%s %s%s\n", here, i+1, l.ID, title, strconv.Itoa(done), strconv.Itoa(len(l.Steps)), mark, built)
	}
}

func (c *Course) stepsDone(l Lesson, p Progress) int {
	done := 0
	for s := range l.Steps {
		if p.IsDone(l.ID, s) {
			done++
		}
	}
	return done
}

// ListEntry is one lesson in `tubes lessons --json`.
type ListEntry struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Steps int    `json:"steps"`
	Done  int    `json:"done"`
	Built bool   `json:"built"`
}

// WriteListJSON prints the lessons as one JSON list.
func (c *Course) WriteListJSON(w io.Writer, p Progress) error {
	out := []ListEntry{}
	for _, l := range c.Lessons {
		out = append(out, ListEntry{ID: l.ID, Title: l.Title, Steps: len(l.Steps), Done: c.stepsDone(l, p), Built: p.Built(l.ID)})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
