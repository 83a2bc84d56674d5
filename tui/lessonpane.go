package tui

import (
	"fmt"
	"strings"

	"charm.land/glamour/v2"
	"github.com/tubes-course/tubes/lessons"
)

// lessonPane shows the current step's text. Markdown is rendered once per
// (step, width, hints shown) and kept.
type lessonPane struct {
	offset int
	cache  map[lessonKey][]string
	style  string // glamour style: "dark", "light" or "notty"
}

type lessonKey struct {
	lesson, step, width, hints int
	style                      string
}

func newLessonPane(style string) lessonPane {
	return lessonPane{cache: map[lessonKey][]string{}, style: style}
}

func (p *lessonPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// markdown is the step's text with the shown hints appended.
func stepMarkdown(l lessons.Lesson, step, hints int, addr lessons.Address, hintWord string) string {
	s := l.Steps[step]
	var b strings.Builder
	if step == 0 && l.Intro != "" {
		b.WriteString(l.Intro + "\n\n")
	}
	b.WriteString(s.Body)
	for i := 0; i < hints && i < len(s.Hints); i++ {
		fmt.Fprintf(&b, "\n\n> **%s %d/%d.** %s", hintWord, i+1, len(s.Hints), s.Hints[i])
	}
	return lessons.Fill(b.String(), addr)
}

// body renders (or recalls) the Markdown of a step at width w.
func (p *lessonPane) body(k lessonKey, md string) []string {
	if lines, ok := p.cache[k]; ok {
		return lines
	}
	out := md
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(k.style), glamour.WithWordWrap(k.width-2))
	if err == nil {
		if s, err := r.Render(md); err == nil {
			out = s
		}
	}
	lines := strings.Split(strings.Trim(out, "\n"), "\n")
	if len(p.cache) > 64 {
		clear(p.cache)
	}
	p.cache[k] = lines
	return lines
}
