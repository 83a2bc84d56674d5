package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// Below this the panes cannot be read; above wideWidth they sit side by side.
const (
	minWidth  = 60
	minHeight = 20
	wideWidth = 100
)

// View draws the whole screen. It only formats what Update stored.
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.WindowTitle = "tubes"
	return v
}

func (m *Model) screen() string {
	if m.width == 0 || m.high == 0 {
		return ""
	}
	if m.width < minWidth || m.high < minHeight {
		return lipgloss.Place(m.width, m.high, lipgloss.Center, lipgloss.Center, m.t("small.message"))
	}
	wide := m.width >= wideWidth
	bodyH := m.high - 2
	var body string
	switch {
	case m.overlay == messageOverlay:
		title, help := "message.title", "message.help"
		if m.inputFor == inputTarget {
			title, help = "yours.title", "yours.help"
		}
		box := m.st.overlay.Render(m.st.bold.Render(m.t(title)) + "\n\n" + m.input.View() + "\n\n" + m.st.dim.Render(m.t(help)))
		body = lipgloss.Place(m.width, bodyH, lipgloss.Center, lipgloss.Center, box)
	case m.overlay != noOverlay:
		body = lipgloss.Place(m.width, bodyH, lipgloss.Center, lipgloss.Center, m.overlayBox())
	case wide:
		body = m.wideBody(bodyH)
	default:
		body = m.narrowBody(bodyH)
	}
	return body + "\n" + fit(m.statusLine(), m.width) + "\n" + fit(m.help.ShortHelpView(m.keys.shortHelp(!wide)), m.width)
}

// layout: the lesson takes the left 45%; events the top 40% of the right.
func (m *Model) wideBody(h int) string {
	leftW := m.width * 45 / 100
	rightW := m.width - leftW
	evH := max(5, h*2/5)
	left := m.paneFrame(focusLesson, leftW, h)
	right := m.paneFrame(focusEvents, rightW, evH) + "\n" + m.paneFrame(focusBytes, rightW, h-evH)
	return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}

func (m *Model) narrowBody(h int) string {
	tabs := make([]string, 0, paneCount)
	for f := focus(0); f < paneCount; f++ {
		label := fmt.Sprintf(" %d %s ", f+1, m.paneTitle(f))
		if f == m.focus {
			tabs = append(tabs, m.st.tabActive.Render(label))
		} else {
			tabs = append(tabs, m.st.tabInactive.Render(label))
		}
	}
	return fit(strings.Join(tabs, m.st.dim.Render("│")), m.width) + "\n" + m.paneFrame(m.focus, m.width, h-1)
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

func (m *Model) paneFrame(f focus, w, h int) string {
	innerW, innerH := w-2, h-2
	var lines []string
	switch f {
	case focusLesson:
		lines = m.lessonLines(innerW, innerH)
	case focusEvents:
		upTo := m.events.total
		if m.paused {
			upTo = m.pausedAt
		}
		lines = m.eventsView.view(m.st, m.events, upTo, innerW, innerH, m.t("events.empty"), m.filter)
	case focusBytes:
		upTo := m.chunks.total
		if m.paused {
			upTo = m.pausedCh
		}
		lines = m.bytesView.view(m.st, m.t, m.chunks, upTo, innerW, innerH, m.filter)
	}
	return frame(m.st, m.paneTitle(f), f == m.focus, lines, w, h)
}

// lessonLines is the step header, whether it is done, then its text.
func (m *Model) lessonLines(w, h int) []string {
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
	if m.target != "" {
		head = append(head, m.st.statusWarn.Render(fmt.Sprintf(m.t("yours.banner"), m.target)))
	}
	if m.status != "" {
		if m.statusIsErr {
			head = append(head, m.st.errorText.Render(m.status))
		} else {
			head = append(head, m.st.statusWarn.Render(m.status))
		}
	}
	for i := 0; i < m.hints && i < len(s.Hints); i++ {
		hint := inlineCode(lessons.Fill(s.Hints[i], m.d.Addr), m.st.code)
		head = append(head, m.st.hint.Render(fmt.Sprintf("%s %d/%d: ", m.t("lesson.hint"), i+1, len(s.Hints)))+hint)
	}
	var wrapped []string
	for _, h := range head {
		wrapped = append(wrapped, strings.Split(ansi.Wordwrap(h, w, ""), "\n")...)
	}
	head = append(wrapped, "")
	key := lessonKey{lesson: m.lesson, step: m.step, width: w, style: m.lessonView.style, example: m.lessonView.example}
	var body []string
	if m.lessonView.example {
		body = m.lessonView.exampleLines(m.st, key, l.ID, m.t("example.title"))
	} else {
		body = m.lessonView.body(key, func() string { return stepMarkdown(l, m.step, m.d.Addr) })
	}
	room := max(1, h-len(head))
	m.lessonView.offset = min(m.lessonView.offset, max(0, len(body)-room))
	end := min(len(body), m.lessonView.offset+room)
	return append(head, body[m.lessonView.offset:end]...)
}

// statusLine: address, progress, behavior, then counters; the least
// important parts come last, where a narrow window cuts.
func (m *Model) statusLine() string {
	st := m.st
	sep := st.dim.Render(" · ")
	parts := []string{st.statusKey.Render("● " + m.d.Addr.HostPort())}
	if len(m.d.URLs) > 0 {
		more := ""
		if len(m.d.URLs) > 1 {
			more = fmt.Sprintf(" (+%d)", len(m.d.URLs)-1)
		}
		parts = []string{st.statusWarn.Render("◉ " + m.t("status.open.room") + " " + m.d.URLs[0] + more)}
	}
	if r := m.d.Replay; r != nil {
		played, total := r.Progress()
		mark := "▶"
		if r.Paused() {
			mark = "⏸"
		}
		count := fmt.Sprintf("%d/%d", played, total)
		if total < 0 { // a streamed recording: its length is known at its end
			count = fmt.Sprintf("%d/…", played)
		}
		parts = []string{st.statusWarn.Render(fmt.Sprintf("%s %s %s", mark, m.t("status.replay"), count))}
	}
	if m.filter.IsValid() {
		parts = append(parts, st.statusWarn.Render(m.t("status.filter")+" "+m.filter.String()))
	}
	l := m.current()
	progress := fmt.Sprintf("%s (%d/%d) %s %d/%d", l.ID, m.lesson+1, len(m.d.Course.Lessons), m.t("status.step"), m.step+1, len(l.Steps))
	if m.stepDone() {
		parts = append(parts, st.done.Render(progress+" ✓"))
	} else {
		parts = append(parts, st.status.Render(progress))
	}
	if m.paused {
		extra := m.events.total - m.pausedAt
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("⏸ %s (+%d %s)", m.t("status.paused"), extra, m.t("status.new"))))
	}
	if m.d.Server != nil {
		parts = append(parts, st.status.Render(m.d.Server.Behavior().Name()))
		if armed, conn := m.d.Server.Holding(); conn != 0 {
			parts = append(parts, st.statusWarn.Render(fmt.Sprintf("✋ "+m.t("status.held"), conn)))
		} else if armed {
			parts = append(parts, st.statusWarn.Render("✋ "+m.t("status.hold")))
		}
		if m.d.Server.SlowMotion() {
			parts = append(parts, st.statusWarn.Render("🐢 "+m.t("status.slow")))
		}
	}
	t := m.totals
	if m.d.Server != nil {
		parts = append(parts, st.status.Render(fmt.Sprintf("%d %s / %d %s", t.Open, m.t("status.open"), t.Accepted, m.t("status.conns"))),
			st.status.Render(fmt.Sprintf("→%s ←%s", humanBytes(t.BytesIn), humanBytes(t.BytesOut))))
	}
	if t.Refused > 0 {
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("%d %s", t.Refused, m.t("status.refused"))))
	}
	if m.folded > 0 {
		parts = append(parts, st.statusWarn.Render(fmt.Sprintf("%s %s", commas(m.folded), m.t("status.folded"))))
	}
	return strings.Join(parts, sep)
}

func (m *Model) overlayBox() string {
	switch m.overlay {
	case helpOverlay:
		h := m.help // a copy: sized to the box, not the screen
		h.SetWidth(m.width - 6)
		return m.st.overlay.Render(m.st.bold.Render(m.t("help.title")) + "\n\n" + h.FullHelpView(m.keys.fullHelp()) + "\n\n" + m.st.dim.Render(m.t("help.close")))
	case peersOverlay:
		return m.st.overlay.Render(m.peersBox())
	case qrOverlay:
		return m.st.overlay.Render(m.qrBox())
	case listOverlay:
		var b strings.Builder
		b.WriteString(m.st.bold.Render(m.t("list.title")) + "\n\n")
		idW, titleW := 0, 0
		for _, l := range m.d.Course.Lessons {
			idW, titleW = max(idW, len(l.ID)), max(titleW, ansi.StringWidth(l.Title))
		}
		titleW = min(titleW, max(10, m.width-idW-24))
		for i, l := range m.d.Course.Lessons {
			done := 0
			for s := range l.Steps {
				if m.d.Progress.IsDone(l.ID, s) {
					done++
				}
			}
			mark, style := "  ", m.st.listPlain
			if i == m.cursor {
				mark, style = "▸ ", m.st.listCursor
			}
			check := " "
			if done == len(l.Steps) {
				check = "✓"
			}
			title := fit(ansi.Truncate(l.Title, titleW, "…"), titleW)
			fmt.Fprintf(&b, "%s\n", style.Render(fmt.Sprintf("%s%2d. %-*s %s %d/%d %s", mark, i+1, idW, l.ID, title, done, len(l.Steps), check)))
		}
		b.WriteString("\n" + m.st.dim.Render(m.t("list.help")))
		return m.st.overlay.Render(b.String())
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
		return m.d.URLs[0]
	}
	return m.d.Addr.URL()
}

func (m *Model) qrBox() string {
	url := m.roomURL()
	if m.qrErr != nil {
		return m.st.errorText.Render(m.qrErr.Error())
	}
	lines := m.qr
	var b strings.Builder
	b.WriteString(m.st.bold.Render(m.t("qr.title")) + "\n\n")
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
	b.WriteString(m.st.statusKey.Render(url) + "\n")
	for _, other := range m.d.URLs[min(1, len(m.d.URLs)):] {
		b.WriteString(m.st.status.Render(other) + "\n") // one per interface
	}
	if len(m.d.URLs) == 0 {
		b.WriteString(m.st.statusWarn.Render(m.t("qr.loopback")) + "\n")
	}
	b.WriteString(m.st.dim.Render(m.t("qr.close")))
	return b.String()
}

func (m *Model) peersBox() string {
	var b strings.Builder
	b.WriteString(m.st.bold.Render(m.t("peers.title")) + "\n\n")
	rows := []string{m.t("peers.all")}
	for _, p := range m.peers.sorted() {
		ua := p.userAgent
		if ua == "" {
			ua = "-"
		}
		row := fmt.Sprintf("%-39s %4d %s  →%s ←%s  %s", p.host, p.conns, m.t("status.conns"), humanBytes(p.in), humanBytes(p.out), ua)
		rows = append(rows, ansi.Truncate(row, max(20, m.width-12), "…"))
	}
	for i, row := range rows {
		mark, style := "  ", m.st.listPlain
		if i == m.peerCursor {
			mark, style = "▸ ", m.st.listCursor
		}
		b.WriteString(style.Render(mark+row) + "\n")
		if i > 20 {
			b.WriteString(m.st.dim.Render(fmt.Sprintf("  … %d", len(rows)-i-1)) + "\n")
			break
		}
	}
	b.WriteString("\n" + m.st.dim.Render(m.t("peers.help")))
	return b.String()
}
