package plain

import (
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
)

// proseStyle is glamour's ASCII style made quieter for a screen reader:
// no page margin, no ** or * around emphasis. Code blocks keep an indent
// so they stand apart from the prose.
func proseStyle() ansi.StyleConfig {
	s := styles.ASCIIStyleConfig
	zero, indent := uint(0), uint(4)
	s.Document.Margin = &zero
	s.Document.BlockPrefix, s.Document.BlockSuffix = "", ""
	s.Strong.BlockPrefix, s.Strong.BlockSuffix = "", ""
	s.Emph.BlockPrefix, s.Emph.BlockSuffix = "", ""
	s.CodeBlock.Margin = &indent
	return s
}

// prose renders lesson Markdown (our own text) as plain lines wrapped at
// width: no trailing padding, at most one blank line in a row, and no
// escape sequence even if a style ever added one.
type prose struct{ r *glamour.TermRenderer }

func newProse(width int) (prose, error) {
	r, err := glamour.NewTermRenderer(glamour.WithStyles(proseStyle()), glamour.WithWordWrap(width))
	return prose{r}, err
}

func (p prose) render(md string) string {
	out, err := p.r.Render(md)
	if err != nil {
		out = md
	}
	var b strings.Builder
	blank := true // drops blank lines at the start
	for _, line := range strings.Split(xansi.Strip(out), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			if !blank {
				b.WriteByte('\n')
			}
			blank = true
			continue
		}
		blank = false
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
