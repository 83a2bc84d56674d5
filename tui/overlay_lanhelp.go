package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// lanHelpKeys are the lines of the --lan help (L), in order, from the UI
// strings: what students need to reach this machine.
var lanHelpKeys = []string{"lanhelp.network", "lanhelp.isolation", "lanhelp.macos", "lanhelp.windows", "lanhelp.ufw",
	"lanhelp.binary", "lanhelp.qr", "lanhelp.devices"}

func lanHelpView(st styles, t func(string) string, width int) string {
	var b strings.Builder
	b.WriteString(st.bold.Render(t("lanhelp.title")) + "\n\n")
	w := max(30, min(width-8, 90))
	for _, k := range lanHelpKeys {
		b.WriteString(ansi.Wordwrap("• "+t(k), w, "") + "\n")
	}
	b.WriteString("\n" + st.dim.Render(t("lanhelp.close")))
	return st.overlay.Render(b.String())
}
