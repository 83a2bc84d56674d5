package tui

import (
	"strings"

	"charm.land/glamour/v2"
	"github.com/tubes-course/tubes/lessons"
)

// lessonPane shows the current step's text. Markdown is rendered once per
// (step, width, style) and kept.
type lessonPane struct {
	offset int
	cache  map[lessonKey][]string
	style  string // glamour style: "dark", "light" or "notty"
}

type lessonKey struct {
	lesson, step, width int
	style               string
}

func newLessonPane(style string) lessonPane {
	return lessonPane{cache: map[lessonKey][]string{}, style: style}
}

func (p *lessonPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// stepMarkdown is the step's text, after the lesson's intro on step one.
func stepMarkdown(l lessons.Lesson, step int, addr lessons.Address) string {
	body := l.Steps[step].Body
	if step == 0 && l.Intro != "" {
		body = l.Intro + "\n\n" + body
	}
	return lessons.Fill(body, addr)
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
