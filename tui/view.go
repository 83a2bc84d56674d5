package tui

import (
	"fmt"
	"net/netip"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// View draws the whole screen. It only formats what Update stored: sizes
// come from m.lay and scroll offsets were kept in range by Update. The
// lesson's Markdown is rendered here, once per width and step (cached).
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.WindowTitle = "tubes"
	return v
}

func (m *Model) screen() string {
	l := m.lay
	if l.width == 0 || l.height == 0 {
		return ""
	}
	if l.tooSmall {
		return lipgloss.Place(l.width, l.height, lipgloss.Center, lipgloss.Center, m.t("small.message"))
	}
	if m.blank {
		return lipgloss.Place(l.width, l.height, lipgloss.Center, lipgloss.Center, m.st.dim.Render(m.t("blank.message")))
	}
	var body string
	switch {
	case m.overlay != noOverlay:
		body = lipgloss.Place(l.body.w, l.body.h, lipgloss.Center, lipgloss.Center, m.overlayBox())
	case l.wide:
		body = m.wideBody()
	case l.stacked:
		body = m.stackedBody()
	default:
		body = m.narrowBody()
	}
	return body + "\n" + fit(m.statusLine(), l.status.w) + "\n" + fit(m.help.ShortHelpView(m.keys.shortHelp(l.tabs.h > 0)), l.help.w)
}

func (m *Model) wideBody() string {
	p := m.lay.panes
	left := m.paneFrame(focusLesson, p[focusLesson])
	right := m.paneFrame(focusEvents, p[focusEvents]) + "\n" + m.paneFrame(focusBytes, p[focusBytes])
	return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}

func (m *Model) stackedBody() string {
	p := m.lay.panes
	live := lipgloss.JoinHorizontal(lipgloss.Top, m.paneFrame(focusEvents, p[focusEvents]), m.paneFrame(focusBytes, p[focusBytes]))
	return m.paneFrame(focusLesson, p[focusLesson]) + "\n" + live
}

func (m *Model) narrowBody() string {
	tabs := make([]string, 0, paneCount)
	for f := focus(0); f < paneCount; f++ {
		label := fmt.Sprintf(" %d %s ", f+1, m.paneTitle(f))
		if f == m.focus {
			tabs = append(tabs, m.st.tabActive.Render(label))
		} else {
			tabs = append(tabs, m.st.tabInactive.Render(label))
		}
	}
	return fit(strings.Join(tabs, m.st.dim.Render("│")), m.lay.tabs.w) + "\n" + m.paneFrame(m.focus, m.lay.panes[m.focus])
}

func (m *Model) paneTitle(f focus) string {
	switch f {
	case focusEvents:
		return m.t("pane.events")
	case focusBytes:
		mode := [...]string{"status.text", "status.hex", "status.parsed"}[m.bytesView.mode]
		return m.t("pane.bytes") + " · " + m.t(mode)
	}
	return m.t("pane.lesson")
}

func (m *Model) paneFrame(f focus, r rect) string {
	innerW, innerH := r.inner()
	var lines []string
	switch f {
	case focusLesson:
		lines = m.lessonLines(innerW, innerH)
	case focusEvents:
		m.eventsView.who = m.eventWho
		lines = m.eventsView.view(m.st, m.events, m.eventsUpTo(), innerW, innerH, m.t("events.empty"), m.filter)
	case focusBytes:
		lines = m.bytesView.view(m.st, m.t, m.chunks, m.chunksUpTo(), innerW, innerH, m.filter)
	}
	return frame(m.st, m.paneTitle(f), f == m.focus, lines, r.w, r.h)
}

// eventsUpTo and chunksUpTo are where the panes stop: the newest, or
// where they were when the live view was paused.
func (m *Model) eventsUpTo() uint64 {
	if m.paused {
		return m.pausedAt
	}
	return m.events.total
}

func (m *Model) chunksUpTo() uint64 {
	if m.paused {
		return m.pausedCh
	}
	return m.chunks.total
}

// lessonLines is the step header, whether it is done, then its text from
// the scroll offset on.
func (m *Model) lessonLines(w, h int) []string {
	head, r := m.lessonHead(w), m.lessonRender(w)
	body := r.lines
	room := max(1, h-len(head))
	// Update keeps both in range, except on the first frame at a new width
	// or step: it did not render the text, so it could not know its length.
	offset := min(m.lessonView.offset, maxOffset(len(body), room))
	side := min(m.lessonView.side, maxSide(r.widest, w))
	end := min(len(body), offset+room)
	var more string
	if end < len(body) && room >= 2 {
		// More below: the last row says how much, so the text never just stops.
		end--
		more = fmt.Sprintf(m.t("lesson.more"), len(body)-end)
		if len(body)-end == 1 {
			more = m.t("lesson.more.one")
		}
	}
	for _, line := range body[offset:end] {
		head = append(head, sideways(line, side, w))
	}
	if more != "" {
		head = append(head, m.st.hint.Render(more))
	}
	return head
}

// lessonHead is the header wrapped to w, with a blank line after it.
func (m *Model) lessonHead(w int) []string {
	l := m.current()
	s := m.currentStep()
	head := []string{
		m.st.bold.Render(fmt.Sprintf("%d/%d  %s", m.lesson+1, len(m.d.Course.Lessons), l.Title)),
		m.st.titleFocus.Render(fmt.Sprintf("%s %d/%d · %s", m.t("lesson.step"), m.step+1, len(l.Steps), s.Title)),
	}
	switch {
	case m.stepDone() && m.step == len(l.Steps)-1 && m.lesson == len(m.d.Course.Lessons)-1:
		head = append(head, m.st.done.Render(m.t("lesson.coursedone")))
	case m.stepDone() && m.step == len(l.Steps)-1:
		head = append(head, m.st.done.Render(m.t("lesson.lastdone")))
	case m.stepDone():
		head = append(head, m.st.done.Render(m.t("lesson.done")))
	default:
		head = append(head, m.st.todo.Render("○ "+m.t("lesson.todo")))
	}
	// The Your-turn run's own tap says itself in its line below.
	if target := m.d.Backend.Target(); target != "" && !(s.YourTurn() && m.build.Tapping()) {
		head = append(head, m.st.statusWarn.Render(fmt.Sprintf(m.t("yours.banner"), target)))
	}
	if banner := m.holdBanner(); banner != "" {
		head = append(head, m.st.statusWarn.Render(banner))
	}
	if m.status != "" {
		if m.statusIsErr {
			head = append(head, m.st.errorText.Render(m.status))
		} else {
			head = append(head, m.st.statusWarn.Render(m.status))
		}
	}
	if s.YourTurn() {
		head = append(head, m.buildHead()...) // the list itself is after the text
	}
	for i := 0; i < m.hints && i < len(s.Hints); i++ {
		hint := inlineCode(lessons.Fill(s.Hints[i], m.d.TextAddr), m.st.code)
		head = append(head, m.st.hint.Render(fmt.Sprintf("%s %d/%d: ", m.t("lesson.hint"), i+1, len(s.Hints)))+hint)
	}
	var wrapped []string
	for _, h := range head {
		wrapped = append(wrapped, strings.Split(ansi.Wordwrap(h, w, ""), "\n")...)
	}
	return append(wrapped, "")
}

// lessonBody is the step's text (or the example program) at width w,
// rendered once and cached.
func (m *Model) lessonBody(w int) []string { return m.lessonRender(w).lines }

// lessonRender renders on a cache miss: View calls it, never Update, which
// reads lessonCached instead.
func (m *Model) lessonRender(w int) rendered {
	l := m.current()
	key := m.lessonKeyAt(w)
	if m.lessonView.example {
		return m.lessonView.exampleLines(m.st, key, l.ID, m.t("example.title"), m.t("example.switch"))
	}
	return m.withResults(m.lessonView.body(key, func() string { return stepMarkdown(l, m.step, m.d.TextAddr) }), w)
}

// lessonCached is the body at width w if View has drawn it already.
func (m *Model) lessonCached(w int) (rendered, bool) {
	r, ok := m.lessonView.cache[m.lessonKeyAt(w)]
	if !ok {
		return r, false
	}
	return m.withResults(r, w), true
}

// withResults is the text followed by a Your-turn run's results, which
// scroll with it; a copy, so the cached lines stay the text alone.
func (m *Model) withResults(r rendered, w int) rendered {
	if m.lessonView.example || !m.currentStep().YourTurn() {
		return r
	}
	results := m.buildBody(w)
	if len(results) == 0 {
		return r
	}
	out := newRendered(results)
	out.lines = append(r.lines[:len(r.lines):len(r.lines)], results...)
	out.widest = max(out.widest, r.widest)
	return out
}

func (m *Model) lessonKeyAt(w int) lessonKey {
	return lessonKey{lesson: m.lesson, step: m.step, width: w, style: m.lessonView.style, example: m.lessonView.example,
		code: m.lessonView.code, port: m.examplePort()}
}

// statusLine: the presenter's state first (held and on whom, slow
// motion, paused, the filter, the counts of open, refused and folded,
// recording), so a projector's 80 columns always show it; then the
// address, the progress and the behavior, where a narrow window cuts.
func (m *Model) statusLine() string {
	st := m.st
	sep := st.dim.Render(" · ")
	caps, bs := m.d.Backend.Caps(), m.d.Backend.State()
	var parts []string
	if caps.Has(CanPlayback) {
		mark := "▶"
		if bs.Paused {
			mark = "⏸"
		}
		count := fmt.Sprintf("%d/%d", bs.Played, bs.Total)
		if bs.Total < 0 { // a streamed recording: its length is known at its end
			count = fmt.Sprintf("%d/…", bs.Played)
		}
		speed := ""
		if bs.Speed > 1 {
			speed = fmt.Sprintf(" %d×", bs.Speed)
		}
		if bs.Ended && !bs.Rewinds {
			parts = append(parts, st.statusWarn.Render(fmt.Sprintf("■ %s %s", m.t("status.replay.done"), count)))
		} else if bs.Ended {
			parts = append(parts, st.statusWarn.Render(fmt.Sprintf("■ %s %s", m.t("status.replay.ended"), count)))
		} else {
			parts = append(parts, st.statusWarn.Render(fmt.Sprintf("%s %s %s%s", mark, m.t("status.replay"), count, speed)))
		}
	}
	if caps.Has(CanPresent) {
		if bs.HeldConn != 0 {
			parts = append(parts, st.statusWarn.Render(fmt.Sprintf("✋ "+m.t("status.held"), bs.HeldConn)+m.whoOf(bs.HeldPeer)))
		} else if bs.HoldArmed {
			parts = append(parts, st.statusWarn.Render("✋ "+m.t("status.hold")+m.whoOf(bs.HoldFor)))
		}
		if bs.Slow {
			parts = append(parts, st.statusWarn.Render("🐢 "+m.t("status.slow")))
		}
	}
	if m.paused {
		extra := m.events.total - m.pausedAt
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("⏸ %s (+%d %s)", m.t("status.paused"), extra, m.t("status.new"))))
	}
	if m.filter.IsValid() {
		parts = append(parts, st.statusWarn.Render(m.t("status.filter")+" "+m.label(m.filter)))
	}
	t := m.totals
	if caps.Has(CanServe) {
		parts = append(parts, st.status.Render(fmt.Sprintf("%d %s", t.Open, m.t("status.open"))))
	}
	if t.Refused > 0 {
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("%d %s", t.Refused, m.t("status.refused"))))
	}
	if m.folded > 0 {
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("%s %s", commas(m.folded), m.t("status.folded"))))
	}
	switch {
	case bs.RecordFailed:
		parts = append(parts, st.statusWarn.Render("● "+m.t("status.rec.failed")))
	case bs.RecordFull:
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("● "+m.t("status.rec.full"), bs.RecordDropped)))
	case bs.RecordDropped > 0:
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("● "+m.t("status.rec.dropped"), bs.RecordDropped)))
	case bs.Recording:
		parts = append(parts, st.status.Render("● "+m.t("status.rec")))
	}
	if !caps.Has(CanPlayback) {
		if len(m.d.URLs) > 0 {
			more := ""
			if len(m.d.URLs) > 1 {
				more = fmt.Sprintf(" (+%d)", len(m.d.URLs)-1)
			}
			parts = append(parts, st.statusWarn.Render("◉ "+m.t("status.open.room")+" "+m.roomURL()+more))
		} else {
			parts = append(parts, st.statusKey.Render("● "+m.d.Addr.HostPort()))
		}
	}
	l := m.current()
	progress := fmt.Sprintf("%s (%d/%d) %s %d/%d", l.ID, m.lesson+1, len(m.d.Course.Lessons), m.t("status.step"), m.step+1, len(l.Steps))
	if m.stepDone() {
		parts = append(parts, st.done.Render(progress+" ✓"))
	} else {
		parts = append(parts, st.status.Render(progress))
	}
	if caps.Has(CanServe) {
		parts = append(parts, st.status.Render(bs.Behavior),
			st.status.Render(fmt.Sprintf("%d %s", t.Accepted, m.t("status.conns"))),
			st.status.Render(fmt.Sprintf("→%s ←%s", humanBytes(t.BytesIn), humanBytes(t.BytesOut))))
	}
	return strings.Join(parts, sep)
}

// whoOf is " (name or address)" for a held student, "" for none.
func (m *Model) whoOf(ip netip.Addr) string {
	if !ip.IsValid() {
		return ""
	}
	return " (" + m.label(ip) + ")"
}

// holdBanner names who is held, over the lesson, where the room looks.
func (m *Model) holdBanner() string {
	if !m.d.Backend.Caps().Has(CanPresent) {
		return ""
	}
	bs := m.d.Backend.State()
	switch {
	case bs.HeldConn != 0 && bs.HeldPeer.IsValid():
		return fmt.Sprintf(m.t("hold.banner"), m.label(bs.HeldPeer), bs.HeldConn)
	case bs.HoldArmed && bs.HoldFor.IsValid():
		return fmt.Sprintf(m.t("hold.banner.armed"), m.label(bs.HoldFor))
	}
	return ""
}

// overlayBox is the open overlay's box, to centre on the body.
func (m *Model) overlayBox() string {
	switch m.overlay {
	case helpOverlay:
		return m.keysBox.view(m.st, m.t, m.keys, m.lay.width)
	case listOverlay:
		return m.lessonsBox.view(m.st, m.t, m.d.Course, m.d.Progress, m.lay.width)
	case messageOverlay:
		return m.inputBox.view(m.st, m.t)
	case peersOverlay:
		return m.peersBox.view(m.st, m.t, m.lay.width, m.label, m.clearAsk)
	case qrOverlay:
		return m.qrBox.view(m.st, m.t, m.d.URLs)
	case eventOverlay:
		return m.eventBox.view(m.st, m.t, m.lay.box.w)
	case boardOverlay:
		l := m.current()
		where := fmt.Sprintf("%s %d/%d", l.ID, m.step+1, len(l.Steps))
		return m.boardBox.view(m.st, m.t, &m.brd, m.label, where, m.lay.width)
	case lanHelpOverlay:
		return lanHelpView(m.st, m.t, m.lay.width)
	}
	return ""
}

func humanBytes(n int64) string {
	switch {
	case n < 10_000:
		return fmt.Sprintf("%d B", n)
	case n < 10_000_000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	case n < 10_000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

func commas(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// inlineCode draws `code` spans of a one-line text in style, without the
// backticks, as the Markdown of the lesson itself would.
func inlineCode(s string, style lipgloss.Style) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unmatched backtick: leave the text alone
		return s
	}
	for i := 1; i < len(parts); i += 2 {
		parts[i] = style.Render(parts[i])
	}
	return strings.Join(parts, "")
}

// roomURL is the address others should open: the first LAN URL when the
// server is open to the room, else this machine's own.
func (m *Model) roomURL() string {
	if len(m.d.URLs) > 0 {
		return m.d.URLs[m.qrIndex%len(m.d.URLs)]
	}
	return m.d.Addr.URL()
}
