package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// styles is every style the app draws with, built in one place from the
// background. Colour never carries meaning alone: arrows and words do too.
type styles struct {
	dark bool

	border, borderFocus    lipgloss.Style
	title, titleFocus      lipgloss.Style
	dim, bold, errorText   lipgloss.Style
	escaped                lipgloss.Style
	in, out                lipgloss.Style // byte directions
	kindOpen, kindClose    lipgloss.Style
	kindData, kindBad      lipgloss.Style
	kindNote               lipgloss.Style
	status, statusKey      lipgloss.Style
	statusWarn             lipgloss.Style
	done, todo             lipgloss.Style
	tabActive, tabInactive lipgloss.Style
	overlay                lipgloss.Style
	hexGroup               lipgloss.Style
	listCursor, listPlain  lipgloss.Style
	hint, code             lipgloss.Style
}

// newStyles builds the styles for a dark or light background. contrast is
// the theme for projectors: full-strength colours, nothing faint.
func newStyles(dark, contrast bool) styles {
	pick := func(light, darkC string) color.Color {
		if dark {
			return lipgloss.Color(darkC)
		}
		return lipgloss.Color(light)
	}
	accent := pick("#5A3FC0", "#A98BFF")
	faint := pick("#8A8A8A", "#6C6C6C")
	green := pick("#1A7F37", "#57D17A")
	blue := pick("#0B63C4", "#5FB3FF")
	red := pick("#C4241C", "#FF6B6B")
	yellow := pick("#8A6100", "#F2C14E")
	fg := pick("#1F1F1F", "#E6E6E6")
	if contrast {
		accent = pick("#0000CC", "#FFFF00")
		faint = pick("#000000", "#FFFFFF")
		green = pick("#006400", "#00FF00")
		blue = pick("#0000CC", "#00FFFF")
		red = pick("#B00000", "#FF7777")
		yellow = pick("#6B4E00", "#FFFF00")
		fg = pick("#000000", "#FFFFFF")
	}
	s := styles{dark: dark}
	s.border = lipgloss.NewStyle().Foreground(faint)
	s.borderFocus = lipgloss.NewStyle().Foreground(accent)
	s.title = lipgloss.NewStyle().Foreground(faint)
	s.titleFocus = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.dim = lipgloss.NewStyle().Foreground(faint)
	s.bold = lipgloss.NewStyle().Bold(true)
	s.errorText = lipgloss.NewStyle().Foreground(red)
	s.escaped = lipgloss.NewStyle().Foreground(faint)
	s.in = lipgloss.NewStyle().Foreground(green).Bold(true)
	s.out = lipgloss.NewStyle().Foreground(blue).Bold(true)
	s.kindOpen = lipgloss.NewStyle().Foreground(green)
	s.kindClose = lipgloss.NewStyle().Foreground(yellow)
	s.kindData = lipgloss.NewStyle().Foreground(fg)
	s.kindBad = lipgloss.NewStyle().Foreground(red)
	s.kindNote = lipgloss.NewStyle().Foreground(faint)
	s.status = lipgloss.NewStyle().Foreground(fg)
	s.statusKey = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.statusWarn = lipgloss.NewStyle().Foreground(yellow).Bold(true)
	s.done = lipgloss.NewStyle().Foreground(green).Bold(true)
	s.todo = lipgloss.NewStyle().Foreground(faint)
	s.tabActive = lipgloss.NewStyle().Foreground(accent).Bold(true).Underline(true)
	s.tabInactive = lipgloss.NewStyle().Foreground(faint)
	s.overlay = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.hexGroup = lipgloss.NewStyle().Foreground(accent)
	s.listCursor = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.listPlain = lipgloss.NewStyle().Foreground(fg)
	s.hint = lipgloss.NewStyle().Foreground(yellow).Bold(true)
	if contrast {
		// Dim text washes out on a projector: make the quiet parts bold.
		s.dim = s.dim.Bold(true)
		s.escaped = s.escaped.Bold(true).Underline(true)
		s.border = s.border.Bold(true)
	}
	s.code = lipgloss.NewStyle().Foreground(accent)
	return s
}
