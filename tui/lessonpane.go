package tui

import (
	"strings"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// lessonPane shows the current step's text. Markdown is rendered once per
// (step, width, style) and kept. Only View renders: Update reads what is
// kept (cached), so a message never waits for glamour.
type lessonPane struct {
	offset  int
	side    int // cells a cut command line is scrolled sideways (< >)
	cache   map[lessonKey]rendered
	cmds    map[lessonKey]stepCommands
	style   string // glamour style: "dark", "light" or "notty"
	example bool   // show the lesson's example program instead of the step
	code    int    // which of exampleCodes the example shows (v switches)
}

// exampleCode is one language of the reference solutions: its file and
// how to run it from the repository on port.
type exampleCode struct {
	name, file string
	run        func(id, port string) string
}

var exampleCodes = []exampleCode{
	{"Go", "main.go", func(id, port string) string { return "PORT=" + port + " go run ./assets/examples/" + id }},
	{"Node", "server.mjs", func(id, port string) string { return "PORT=" + port + " node assets/examples/" + id + "/server.mjs" }},
	{"Python", "server.py", func(id, port string) string { return "PORT=" + port + " python3 assets/examples/" + id + "/server.py" }},
}

// rendered is a step's text drawn at one width, and its widest line in
// cells (how far < > can scroll it).
type rendered struct {
	lines  []string
	widest int
}

func newRendered(lines []string) rendered {
	r := rendered{lines: lines}
	for _, line := range lines {
		r.widest = max(r.widest, ansi.StringWidth(line))
	}
	return r
}

type lessonKey struct {
	lesson, step, width int
	style               string
	example             bool
	code                int
	port                string // the port the example's command names
}

// stepCommands are the commands of a rendered step: the text of each and
// the line each starts on.
type stepCommands struct {
	text []string
	line []int
}

func newLessonPane(style string) lessonPane {
	return lessonPane{cache: map[lessonKey]rendered{}, cmds: map[lessonKey]stepCommands{}, style: style}
}

func (p *lessonPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// exampleLines draws the lesson's example program: tabs as four spaces,
// long lines wrapped with a mark, comments dim. Code is not Markdown, so
// it skips glamour, which would re-wrap it.
func (p *lessonPane) exampleLines(st styles, k lessonKey, id, title, switchHint string) rendered {
	if r, ok := p.cache[k]; ok {
		return r
	}
	c := exampleCodes[k.code%len(exampleCodes)]
	var names []string
	for i, other := range exampleCodes {
		if i == k.code%len(exampleCodes) {
			names = append(names, "["+other.name+"]")
		} else {
			names = append(names, other.name)
		}
	}
	lines := []string{st.bold.Render(title) + " " + strings.Join(names, " ") + " " + st.dim.Render(switchHint),
		st.titleFocus.Render(c.run(id, k.port)), ""}
	for _, line := range strings.Split(strings.TrimRight(lessons.ExampleFile(id, c.file), "\n"), "\n") {
		line = strings.ReplaceAll(line, "\t", "    ")
		style := st.listPlain
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") {
			style = st.dim
		}
		for i, part := range strings.Split(ansi.Wrap(line, max(10, k.width-2), ""), "\n") {
			if i > 0 {
				part = "↪ " + part
			}
			lines = append(lines, style.Render(part))
		}
	}
	p.cache[k] = newRendered(lines)
	return p.cache[k]
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
func (p *lessonPane) body(k lessonKey, md func() string) rendered {
	if r, ok := p.cache[k]; ok {
		return r
	}
	text, codes, isCmd := protectCode(md(), k.width-12)
	out := text
	r, err := glamour.NewTermRenderer(markdownStyle(k.style), glamour.WithWordWrap(k.width-2))
	if err == nil {
		if s, err := r.Render(text); err == nil {
			out = s
		}
	}
	lines := strings.Split(strings.Trim(out, "\n"), "\n")
	var cmds stepCommands
	for i, id := range restoreCode(lines, codes, isCmd) {
		if id >= 0 {
			cmds.text = append(cmds.text, codes[id])
			cmds.line = append(cmds.line, i)
		}
	}
	if len(p.cache) > 64 {
		clear(p.cache)
		clear(p.cmds)
	}
	p.cache[k] = newRendered(lines)
	p.cmds[k] = cmds
	return p.cache[k]
}

// command is the command C copies: the first that starts on a line from
// first on (the pane's top), else the step's last one above it.
func (p *lessonPane) command(k lessonKey, first int) (string, bool) {
	c := p.cmds[k]
	for i, l := range c.line {
		if l >= first {
			return c.text[i], true
		}
	}
	if n := len(c.text); n > 0 {
		return c.text[n-1], true
	}
	return "", false
}
