package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// frame draws a rounded box of exactly w×h cells with title in the top
// border. Content lines are cut or padded to the inner width.
func frame(st styles, title string, focused bool, lines []string, w, h int) string {
	if w < 4 || h < 2 {
		return ""
	}
	bs, ts := st.border, st.title
	if focused {
		bs, ts = st.borderFocus, st.titleFocus
	}
	inner := w - 2
	t := ansi.Truncate(" "+title+" ", inner-2, "…")
	top := bs.Render("╭─") + ts.Render(t) + bs.Render(strings.Repeat("─", max(0, inner-1-ansi.StringWidth(t)))+"╮")
	var b strings.Builder
	b.WriteString(top)
	side := bs.Render("│")
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteByte('\n')
		b.WriteString(side)
		b.WriteString(fit(line, inner))
		b.WriteString(side)
	}
	b.WriteByte('\n')
	b.WriteString(bs.Render("╰" + strings.Repeat("─", inner) + "╯"))
	return b.String()
}

// fit cuts or pads a styled line to exactly w cells. A tab would move the
// cursor by a width the terminal decides, so it becomes spaces first.
func fit(line string, w int) string {
	if strings.Contains(line, "\t") {
		line = strings.ReplaceAll(line, "\t", "    ")
	}
	lw := ansi.StringWidth(line)
	if lw > w {
		line = ansi.Truncate(line, w, "…")
		lw = ansi.StringWidth(line)
	}
	return line + strings.Repeat(" ", max(0, w-lw))
}

// tail returns the last n lines after skipping back from the end by offset,
// and clamps offset so it never scrolls past the top.
func tail(lines []string, n, offset int) ([]string, int) {
	offset = min(max(offset, 0), max(0, len(lines)-n))
	end := len(lines) - offset
	return lines[max(0, end-n):end], offset
}

// wrapDim is a note of ours, dim and wrapped to w cells.
func wrapDim(st styles, s string, w int) []string {
	lines := strings.Split(ansi.Wordwrap(s, w, ""), "\n")
	for i, l := range lines {
		lines[i] = st.dim.Render(l)
	}
	return lines
}
