package tui

import (
	"fmt"
	"net/netip"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/tubes-course/tubes/netcore"
)

// eventsPane lists connection events, newest at the bottom. offset is how
// many lines the view is scrolled up from the newest.
type eventsPane struct {
	offset int
	// who names an event's student (escaped), "" for none; set by the
	// model before each frame.
	who func(netcore.Event) string
}

// previewKeep bounds the bytes an event line keeps; the bytes pane has more.
const previewKeep = 160

func (p *eventsPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// view renders only the rows that fit: it walks back from the newest event.
// With a peer filter it walks back through the events for that peer only.
// It reads the offset and never moves it: clamp does, from Update.
func (p eventsPane) view(st styles, log *ring[netcore.Event], upTo uint64, w, h int, empty string, filter netip.Addr) []string {
	n := log.visible(upTo)
	if n == 0 {
		return wrapDim(st, empty, w)
	}
	if filter.IsValid() {
		var picked []string // newest first
		for i := n - 1; i >= 0 && len(picked) < h+p.offset; i-- {
			if e := log.at(i); shows(filter, e) {
				picked = append(picked, eventLine(st, e, w, p.who))
			}
		}
		picked = picked[min(p.offset, max(0, len(picked)-h)):]
		lines := make([]string, 0, len(picked))
		for i := len(picked) - 1; i >= 0; i-- {
			lines = append(lines, picked[i])
		}
		return lines
	}
	end := n - min(p.offset, max(0, n-h))
	start := max(0, end-h)
	lines := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		lines = append(lines, eventLine(st, log.at(i), w, p.who))
	}
	return lines
}

// clamp keeps the offset from scrolling past the oldest row: at most the
// rows there are (for the filter's peer) less the h shown. It counts back
// no further than the offset reaches.
func (p *eventsPane) clamp(log *ring[netcore.Event], upTo uint64, h int, filter netip.Addr) {
	if p.offset == 0 {
		return
	}
	n := log.visible(upTo)
	if filter.IsValid() {
		rows := 0
		for i := n - 1; i >= 0 && rows < h+p.offset; i-- {
			if shows(filter, log.at(i)) {
				rows++
			}
		}
		n = rows
	}
	p.offset = min(p.offset, max(0, n-h))
}

// eventLine is one event in one row of w cells: time, who, an arrow for
// bytes, what; o shows the rest of a line cut here.
func eventLine(st styles, e netcore.Event, w int, name func(netcore.Event) string) string {
	return strings.TrimRight(fit(eventText(st, e, name), w), " ")
}

// eventText is an event's whole line, uncut; name, when not nil, gives a
// student's name to show after the connection.
func eventText(st styles, e netcore.Event, name func(netcore.Event) string) string {
	who := "srv"
	if e.Source == netcore.FromClient {
		who = "cli"
	} else if e.Source == netcore.FromTap {
		who = "tap"
	}
	if e.Conn != 0 {
		who += fmt.Sprintf(" #%d", e.Conn)
	}
	if name != nil {
		if n := name(e); n != "" {
			who += " " + n
		}
	}
	what := netcore.Describe(e)
	var ks = st.kindNote
	switch e.Kind {
	case netcore.Listening, netcore.Accepted, netcore.Connected:
		ks = st.kindOpen
	case netcore.Closed:
		ks = st.kindClose
	case netcore.Refused, netcore.Error:
		ks = st.kindBad
	case netcore.Recv, netcore.Sent:
		arrow, as := directionOf(e, st)
		what = as.Render(arrow) + " " + st.kindData.Render(what)
	}
	if e.Kind != netcore.Recv && e.Kind != netcore.Sent {
		what = ks.Render(what)
	}
	return st.dim.Render(e.Time.Format("15:04:05.000")) + " " + st.bold.Render(who) + " " + what
}

// directionOf gives the arrow and style of a read or write: → is always
// client to server and ← server to client, whichever side saw it.
func directionOf(e netcore.Event, st styles) (string, lipgloss.Style) {
	toServer := (e.Source == netcore.FromClient) == (e.Kind == netcore.Sent)
	if toServer {
		return "→", st.in
	}
	return "←", st.out
}
