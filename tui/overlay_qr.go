package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// qrPanel is the room URL as a QR code (u), for phones in the room. The
// code is encoded when u opens it, not every frame.
type qrPanel struct {
	url   string
	lines []string
	err   error
}

func (o *qrPanel) open(url string, darkTerminal bool) {
	o.url = url
	o.lines, o.err = qrLines(url, darkTerminal)
}

func (qrPanel) closes(msg tea.KeyPressMsg, k keyMap) bool {
	return key.Matches(msg, k.QR, k.Close, k.Quit)
}

// view draws the code, the URL under it and the other interfaces' URLs.
func (o qrPanel) view(st styles, t func(string) string, urls []string) string {
	if o.err != nil {
		return st.overlay.Render(st.errorText.Render(o.err.Error()))
	}
	var b strings.Builder
	b.WriteString(st.bold.Render(t("qr.title")) + "\n\n")
	b.WriteString(strings.Join(o.lines, "\n") + "\n\n")
	b.WriteString(st.statusKey.Render(o.url) + "\n")
	for _, other := range urls[min(1, len(urls)):] {
		b.WriteString(st.status.Render(other) + "\n") // one per interface
	}
	if len(urls) == 0 {
		b.WriteString(st.statusWarn.Render(t("qr.loopback")) + "\n")
	}
	b.WriteString(st.dim.Render(ansi.Wordwrap(t("qr.close"), 60, "")))
	return st.overlay.Render(b.String())
}
