package tui

import (
	"strings"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// lessonPane shows the current step's text. Markdown is rendered once per
// (step, width, style) and kept.
type lessonPane struct {
	offset  int
	cache   map[lessonKey][]string
	style   string // glamour style: "dark", "light" or "notty"
	example bool   // show the lesson's example program instead of the step
}

type lessonKey struct {
	lesson, step, width int
	style               string
	example             bool
}

func newLessonPane(style string) lessonPane {
	return lessonPane{cache: map[lessonKey][]string{}, style: style}
}

func (p *lessonPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// exampleLines draws the lesson's example program: tabs as four spaces,
// long lines wrapped with a mark, comments dim. Code is not Markdown, so
// it skips glamour, which would re-wrap it.
func (p *lessonPane) exampleLines(st styles, k lessonKey, id, title string) []string {
	if lines, ok := p.cache[k]; ok {
		return lines
	}
	lines := []string{st.bold.Render(title), st.titleFocus.Render("go run ./assets/examples/" + id), ""}
	for _, line := range strings.Split(strings.TrimRight(lessons.Example(id), "\n"), "\n") {
		line = strings.ReplaceAll(line, "\t", "    ")
		style := st.listPlain
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			style = st.dim
		}
		for i, part := range strings.Split(ansi.Wrap(line, max(10, k.width-2), ""), "\n") {
			if i > 0 {
				part = "↪ " + part
			}
			lines = append(lines, style.Render(part))
		}
	}
	p.cache[k] = lines
	return lines
}

// stepMarkdown is the step's text, after the lesson's intro on step one.
func stepMarkdown(l lessons.Lesson, step int, addr lessons.Address) string {
	body := l.Steps[step].Body
	if step == 0 && l.Intro != "" {
		body = l.Intro + "\n\n" + body
	}
	return lessons.Fill(body, addr)
}

// body renders (or recalls) the Markdown of a step at width w.
// md is called only on a miss: filling the text is not free either.
func (p *lessonPane) body(k lessonKey, md func() string) []string {
	if lines, ok := p.cache[k]; ok {
		return lines
	}
	text := md()
	out := text
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(k.style), glamour.WithWordWrap(k.width-2))
	if err == nil {
		if s, err := r.Render(text); err == nil {
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
