package tui

import (
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/netcore"
)

// eventPanel shows one event whole (o): the line the events pane cuts at
// its width, wrapped, with the connection's addresses. The event is kept
// as it was when o opened it.
type eventPanel struct{ ev netcore.Event }

func (eventPanel) closes(msg tea.KeyPressMsg, k keyMap) bool {
	return key.Matches(msg, k.Open, k.Close, k.Quit)
}

func (o eventPanel) view(st styles, t func(string) string, width int) string {
	w := max(20, width-8) // inside the box's border and padding
	e := o.ev
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(ansi.Wrap(s, w, " "), "\n")...) }
	add(st.bold.Render(t("event.title")))
	add("")
	add(eventText(st, e, nil)) // the whole line, which the pane cuts at its width
	if e.Local != nil || e.Remote != nil {
		add("")
		add(st.dim.Render(fmt.Sprintf("%s %v · %s %v", t("event.local"), e.Local, t("event.remote"), e.Remote)))
	}
	add("")
	add(st.dim.Render(t("event.close")))
	return st.overlay.Render(strings.Join(lines, "\n"))
}

// bottom is the event on the events pane's last row: the newest one shown
// (for the filter's peer) at the pane's scroll offset.
func (p eventsPane) bottom(log *ring[netcore.Event], upTo uint64, filter netip.Addr) (netcore.Event, bool) {
	skip := p.offset
	for i := log.visible(upTo) - 1; i >= 0; i-- {
		if e := log.at(i); shows(filter, e) {
			if skip == 0 {
				return e, true
			}
			skip--
		}
	}
	return netcore.Event{}, false
}
