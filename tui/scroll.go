package tui

// clampScroll puts every pane's offset back in range for the current
// layout, text and events. Update runs it before and after each message
// (a resize, new events, a key), so keys act on offsets in range and View
// only reads them. A pane at offset 0 is in range already and costs
// nothing here. The lesson's text is measured only if View has rendered it
// at this width: Update never renders Markdown. Until then (the frame
// right after a resize or a step change) View clamps what it shows, and
// the next message clamps the offsets themselves.
func (m *Model) clampScroll() {
	if m.lay.tooSmall || m.lay.width == 0 {
		return
	}
	p := m.lay.panes
	if m.lessonView.offset > 0 || m.lessonView.side > 0 {
		w, h := p[focusLesson].inner()
		if r, ok := m.lessonCached(w); ok {
			room := max(1, h-len(m.lessonHead(w)))
			m.lessonView.offset = min(m.lessonView.offset, maxOffset(len(r.lines), room))
			m.lessonView.side = min(m.lessonView.side, maxSide(r.widest, w))
		}
	}
	_, h := p[focusEvents].inner()
	m.eventsView.clamp(m.events, m.eventsUpTo(), h, m.filter)
	w, h := p[focusBytes].inner()
	m.bytesView.clamp(m.st, m.t, m.chunks, m.chunksUpTo(), w, h, m.filter)
}

// maxOffset is the furthest the lesson body scrolls: its last line at the
// bottom of room rows.
func maxOffset(lines, room int) int { return max(0, lines-room) }

// maxSide is the furthest < > move a body whose widest line is widest
// cells, in a pane w wide: the end of that line in sight.
func maxSide(widest, w int) int { return max(0, widest-w+1) }
