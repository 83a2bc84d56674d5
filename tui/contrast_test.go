package tui

import (
	"image/color"
	"math"
	"testing"

	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"
	"github.com/tubes-course/tubes/lessons"
)

// luminance is WCAG's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// The contrast theme holds every text colour at 7:1 or more against the
// background, on dark and light terminals, the key line included.
func TestContrastThemeIsSevenToOne(t *testing.T) {
	for _, dark := range []bool{true, false} {
		bg := color.Color(color.White)
		if dark {
			bg = color.Black
		}
		st := newStyles(dark, true)
		m := New(Deps{Backend: NewReplay(nil, nil), Course: mustCourse(t), UI: lessons.UIStrings("en"), Contrast: true})
		m.st = st
		m.applyHelpStyles()
		all := map[string]lipgloss.Style{
			"border": st.border, "borderFocus": st.borderFocus, "title": st.title, "titleFocus": st.titleFocus, "dim": st.dim,
			"errorText": st.errorText, "escaped": st.escaped, "in": st.in, "out": st.out, "kindOpen": st.kindOpen,
			"kindClose": st.kindClose, "kindData": st.kindData, "kindBad": st.kindBad, "kindNote": st.kindNote,
			"status": st.status, "statusKey": st.statusKey, "statusWarn": st.statusWarn, "done": st.done, "todo": st.todo,
			"tabActive": st.tabActive, "tabInactive": st.tabInactive, "hexGroup": st.hexGroup, "listCursor": st.listCursor,
			"listPlain": st.listPlain, "hint": st.hint, "code": st.code,
			"help.key": m.help.Styles.ShortKey, "help.desc": m.help.Styles.ShortDesc, "help.sep": m.help.Styles.ShortSeparator,
			"help.fullkey": m.help.Styles.FullKey, "help.fulldesc": m.help.Styles.FullDesc,
		}
		for name, s := range all {
			fg := s.GetForeground()
			if _, none := fg.(lipgloss.NoColor); none || fg == nil {
				t.Errorf("dark=%v %s has no colour of the theme", dark, name)
				continue
			}
			if r := contrastRatio(fg, bg); r < 7 {
				t.Errorf("dark=%v %s: contrast %.2f:1, want 7:1", dark, name, r)
			}
		}
	}
}

func mustCourse(t *testing.T) *lessons.Course {
	t.Helper()
	c, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Under the contrast theme the lesson's Markdown holds 7:1 too: its text
// against the terminal's background and the inline code against its own
// background (glamour's own code colours are 4.4:1).
func TestContrastMarkdownIsSevenToOne(t *testing.T) {
	for _, dark := range []bool{true, false} {
		cfg := contrastMarkdown(dark)
		bg := color.Color(color.White)
		if dark {
			bg = color.Black
		}
		pairs := map[string][2]string{
			"text":        {*cfg.Document.Color, ""},
			"inline code": {*cfg.Code.Color, *cfg.Code.BackgroundColor},
		}
		for what, p := range pairs {
			against := bg
			if p[1] != "" {
				against = lipgloss.Color(p[1])
			}
			if r := contrastRatio(lipgloss.Color(p[0]), against); r < 7 {
				t.Errorf("dark %v: %s is %.1f:1, want 7:1 or more", dark, what, r)
			}
		}
	}
	// The theme reaches the renderer: the dark contrast style is not
	// glamour's standard one.
	plain, contrast := renderWith(t, "dark"), renderWith(t, "dark"+contrastSuffix)
	if plain == contrast {
		t.Error("the contrast theme renders the lesson exactly like the default theme")
	}
}

func renderWith(t *testing.T, style string) string {
	t.Helper()
	r, err := glamour.NewTermRenderer(markdownStyle(style), glamour.WithWordWrap(60))
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render("Run `nc localhost 3000` now.")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
