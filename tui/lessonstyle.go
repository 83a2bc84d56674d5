package tui

import (
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	glamourstyles "charm.land/glamour/v2/styles"
)

// contrastSuffix marks a glamour style name as the projector theme's
// (--theme contrast): the lesson's Markdown then uses colours that pass
// 7:1, inline code included (glamour's own code colour is 4.4:1).
const contrastSuffix = "+contrast"

// markdownStyle is the glamour option for a style name: "dark", "light"
// or "notty", with contrastSuffix for the projector theme.
func markdownStyle(name string) glamour.TermRendererOption {
	base, contrast := strings.CutSuffix(name, contrastSuffix)
	if !contrast || base == "notty" {
		return glamour.WithStandardStyle(base)
	}
	return glamour.WithStyles(contrastMarkdown(base == "dark"))
}

// contrastMarkdown is glamour's dark or light style with the body text and
// the inline code in the theme's strongest colours.
func contrastMarkdown(dark bool) ansi.StyleConfig {
	cfg, text, code, codeBg := glamourstyles.LightStyleConfig, "16", "16", "254" // black on near-white
	if dark {
		cfg, text, code, codeBg = glamourstyles.DarkStyleConfig, "231", "231", "236" // white on near-black
	}
	cfg.Document.Color = &text
	cfg.Code.Color, cfg.Code.BackgroundColor = &code, &codeBg
	return cfg
}
