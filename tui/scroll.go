package tui

import "github.com/charmbracelet/x/ansi"

// clampScroll puts every pane's offset back in range for the current
// layout, text and events. Update runs it after each message (a resize,
// new events, a key), so View only reads offsets. A pane at offset 0 is
// in range already and costs nothing here.
func (m *Model) clampScroll() {
	if m.lay.tooSmall || m.lay.width == 0 {
		return
	}
	p := m.lay.panes
	if m.lessonView.offset > 0 {
		w, h := p[focusLesson].inner()
		room := max(1, h-len(m.lessonHead(w)))
		m.lessonView.offset = min(m.lessonView.offset, max(0, len(m.lessonBody(w))-room))
	}
	if m.lessonView.side > 0 {
		w, _ := p[focusLesson].inner()
		widest := 0
		for _, line := range m.lessonBody(w) {
			widest = max(widest, ansi.StringWidth(line))
		}
		m.lessonView.side = min(m.lessonView.side, max(0, widest-w+1))
	}
	_, h := p[focusEvents].inner()
	m.eventsView.clamp(m.events, m.eventsUpTo(), h, m.filter)
	w, h := p[focusBytes].inner()
	m.bytesView.clamp(m.st, m.t, m.chunks, m.chunksUpTo(), w, h, m.filter)
}
