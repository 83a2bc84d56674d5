package tui

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// Update routes every message. It does no I/O: network and disk work is
// returned as commands. Whatever the message, the panes' scroll offsets
// are put back in range before and after it, so View has nothing to
// correct; the lesson's only once View has rendered its text at the
// pane's width (see clampScroll).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.clampScroll() // what the last frame rendered may bring an offset in range
	cmd := m.update(msg)
	m.clampScroll()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.onBuildMsg(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.lay = computeLayout(msg.Width, msg.Height)
		m.help.SetWidth(msg.Width)
		m.inputBox.field.SetWidth(m.lay.inputW)
		m.lessonsBox.list.setSize(len(m.d.Course.Lessons), m.lay.listRows)
		m.peersBox.list.setSize(len(m.peersBox.peers)+1, m.lay.listRows)
		return nil
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark(), m.d.Contrast)
		m.applyHelpStyles()
		if m.lessonView.style != "notty" && !msg.IsDark() {
			m.lessonView.style = strings.Replace(m.lessonView.style, "dark", "light", 1)
		}
		return nil
	case wakeMsg:
		if m.ticking {
			return nil
		}
		m.ticking = true
		return m.flushTick()
	case batchMsg:
		if msg.restart {
			m.clearPanes()
		}
		if len(msg.events) == 0 {
			m.ticking = false
			m.folded, m.totals = msg.folded, msg.totals
			return m.waitForEvents()
		}
		var cmds []tea.Cmd
		finished := m.applyBatch(msg)
		if m.overlay == peersOverlay {
			m.peersBox.refresh(m.peers.sorted(m.label), m.lay.listRows) // new peers show as they come
		}
		if m.overlay == boardOverlay {
			m.boardBox.refresh(m.brd.rows(m.label), m.lay.listRows)
		}
		if finished {
			cmds = append(cmds, m.saveProgress())
		}
		return tea.Batch(append(cmds, m.flushTick())...)
	case actionDoneMsg:
		if msg.seq != m.actionSeq {
			return nil // an action stopped by a step change
		}
		m.busy, m.cancelAction = false, nil
		if msg.err != nil {
			// The course's words, not Go's: a dial error, an action's own,
			// and what they wrap carry their words by key.
			m.setStatus(m.t("action.failed")+": "+netcore.EscapeText(netcore.SayError(msg.err, m.d.UI)), true)
		} else {
			m.setStatus(msg.note.Text(m.d.UI), false)
		}
		return nil
	case savedMsg:
		if msg.err != nil { // why, in the course's words (the file is the progress file)
			m.setStatus(m.t("progress.notsaved")+" "+netcore.EscapeText(netcore.ReasonPhrase(msg.err).Say(m.d.UI)), true)
		}
		return nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	if m.overlay == messageOverlay {
		return m.inputBox.blink(msg)
	}
	return nil
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusIsErr = s, isErr }

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	// In the message box every key but ctrl+c is typing, q included.
	if key.Matches(msg, k.Quit) && (msg.String() == "ctrl+c" || m.overlay == noOverlay) {
		m.stopBuild() // the learner's server goes with the app (RunCourse also stops it, for a SIGTERM)
		return tea.Quit
	}
	if m.lay.tooSmall {
		return nil // nothing on screen to act on: only quit works
	}
	switch m.overlay {
	case helpOverlay:
		if m.keysBox.key(msg, k) {
			m.overlay = noOverlay
		}
		return nil
	case listOverlay:
		return m.onListKey(msg)
	case messageOverlay:
		return m.onMessageKey(msg)
	case peersOverlay:
		return m.onPeersKey(msg)
	case qrOverlay:
		switch {
		case key.Matches(msg, k.Next) && len(m.d.URLs) > 1:
			// Several interfaces: the presenter picks the one the room is on.
			m.qrIndex = (m.qrIndex + 1) % len(m.d.URLs)
			m.qrBox.open(m.roomURL(), m.st.dark)
		case key.Matches(msg, k.LANHelp):
			m.overlay = lanHelpOverlay
		case m.qrBox.closes(msg, k):
			m.overlay = noOverlay
		}
		return nil
	case eventOverlay:
		if m.eventBox.closes(msg, k) {
			m.overlay = noOverlay
		}
		return nil
	case boardOverlay:
		if m.boardBox.key(msg, k) {
			m.overlay = noOverlay
		}
		return nil
	case lanHelpOverlay:
		if key.Matches(msg, k.Close, k.LANHelp, k.Quit, k.Help) {
			m.overlay = noOverlay
		}
		return nil
	}
	if m.blank {
		// A blanked screen wakes on z (or esc) and ignores the rest.
		if key.Matches(msg, k.Blank, k.Close) {
			m.blank = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Choose) && m.d.Backend.State().HeldConn != 0:
		// A held reply takes enter first: the presenter lets it go.
		m.d.Backend.ReleaseReply()
		m.setStatus(m.t("hold.released"), false)
	case key.Matches(msg, k.Hold) && m.filter.IsValid() && !m.d.Backend.State().HoldArmed:
		// With the panes on one student, i holds that student's next reply.
		m.holdFor(m.filter)
	case key.Matches(msg, k.Hold):
		if m.d.Backend.State().HoldArmed {
			m.setStatus(m.t("hold.released"), false)
		} else {
			m.setStatus(m.t("hold.armed"), false)
		}
		m.d.Backend.ToggleHold()
	case m.d.Presenter && key.Matches(msg, k.PageDown):
		return m.goTo(m.lesson, m.step+1) // a clicker's forward key
	case m.d.Presenter && key.Matches(msg, k.PageUp):
		return m.goTo(m.lesson, m.step-1)
	case key.Matches(msg, k.Blank):
		m.blank = true
	case key.Matches(msg, k.Board):
		m.overlay = boardOverlay
		m.boardBox.list = list{}
		m.boardBox.refresh(m.brd.rows(m.label), m.lay.listRows)
	case key.Matches(msg, k.Addrs):
		m.bytesView.addrs = !m.bytesView.addrs
	case key.Matches(msg, k.LANHelp):
		m.overlay = lanHelpOverlay
	case key.Matches(msg, k.Slow):
		m.d.Backend.ToggleSlow()
	case key.Matches(msg, k.Enter) && m.currentStep().YourTurn():
		return m.openBuild()
	case key.Matches(msg, k.Choose) && !k.Enter.Enabled():
		m.setStatus(m.t("lesson.noaction"), false)
	case key.Matches(msg, k.Enter):
		return m.startAction("")
	case key.Matches(msg, k.Message):
		return m.openInput(inputMessage, "")
	case key.Matches(msg, k.Yours):
		if m.d.Backend.Target() != "" {
			// Back to the lesson's own server.
			_ = m.d.Backend.Watch("")
			m.setStatus(m.t("yours.off"), false)
			return nil
		}
		return m.openInput(inputTarget, m.lastTarget)
	case key.Matches(msg, k.Next):
		return m.goTo(m.lesson, m.step+1)
	case key.Matches(msg, k.Prev):
		return m.goTo(m.lesson, m.step-1)
	case key.Matches(msg, k.Focus):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, k.FocusBack):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, k.Tab1):
		m.focus = focusLesson
	case key.Matches(msg, k.Tab2):
		m.focus = focusEvents
	case key.Matches(msg, k.Tab3):
		m.focus = focusBytes
	case key.Matches(msg, k.Up):
		m.scroll(-1)
	case key.Matches(msg, k.Down):
		m.scroll(1)
	case key.Matches(msg, k.PageUp):
		m.scroll(-m.pageSize())
	case key.Matches(msg, k.PageDown):
		m.scroll(m.pageSize())
	case key.Matches(msg, k.Hex):
		m.bytesView.mode = (m.bytesView.mode + 1) % bytesModes
	case key.Matches(msg, k.Hint):
		if n := len(m.currentStep().Hints); n > 0 {
			m.hints = m.hints%n + 1
		}
	case key.Matches(msg, k.Pause) && m.d.Backend.Caps().Has(CanPlayback):
		// In a replay, space pauses the recording itself; . then steps.
		m.d.Backend.TogglePause()
	case key.Matches(msg, k.Step):
		m.d.Backend.StepOne()
	case key.Matches(msg, k.RecNext, k.RecPrev, k.Speed, k.Skip, k.Again):
		m.playerKey(msg)
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		m.pausedAt, m.pausedCh = m.events.total, m.chunks.total
	case key.Matches(msg, k.Clear):
		m.clearPanes()
	case m.lessonView.example && key.Matches(msg, k.ExampleCode):
		m.lessonView.code = (m.lessonView.code + 1) % len(exampleCodes)
		m.lessonView.offset = 0
	case key.Matches(msg, k.Example):
		m.lessonView.example = !m.lessonView.example
		m.lessonView.offset = 0
		m.focus = focusLesson
	case key.Matches(msg, k.Home):
		m.scroll(-farAway)
	case key.Matches(msg, k.End):
		m.scroll(farAway)
	case key.Matches(msg, k.Peers):
		m.overlay = peersOverlay
		m.clearAsk = false
		m.peersBox.open(m.peers.sorted(m.label), m.lay.listRows)
	case key.Matches(msg, k.QR):
		m.overlay = qrOverlay
		m.qrBox.open(m.roomURL(), m.st.dark)
	case key.Matches(msg, k.Left):
		m.lessonView.side = max(0, m.lessonView.side-sideStep)
	case key.Matches(msg, k.Right):
		m.lessonView.side += sideStep // clampScroll stops it at the widest line
	case key.Matches(msg, k.Copy):
		// The commands are those of the text on screen, which View rendered.
		w, _ := m.lay.panes[focusLesson].inner()
		cmd, ok := m.lessonView.command(m.lessonKeyAt(w), m.lessonView.offset)
		if !ok {
			m.setStatus(m.t("copy.none"), false)
			return nil
		}
		// The lesson's own text, its placeholders filled: never network bytes.
		m.setStatus(m.t("copy.done")+" "+strings.ReplaceAll(cmd, "\n", " ⏎ "), false)
		return tea.SetClipboard(cmd)
	case key.Matches(msg, k.Open):
		if e, ok := m.eventsView.bottom(m.events, m.eventsUpTo(), m.filter); ok {
			m.eventBox.ev = e
			m.overlay = eventOverlay
		}
	case key.Matches(msg, k.Help):
		m.overlay = helpOverlay
		m.keysBox.open(m.keys, m.lay.listRows)
	case key.Matches(msg, k.List):
		m.overlay = listOverlay
		m.lessonsBox.open(m.lesson, len(m.d.Course.Lessons), m.lay.listRows)
	}
	return nil
}

func (m *Model) startAction(message string) tea.Cmd {
	if m.busy {
		return nil
	}
	m.busy = true
	m.setStatus(m.t("action.running"), false)
	return m.runAction(message)
}

func (m *Model) openInput(purpose inputPurpose, value string) tea.Cmd {
	m.overlay = messageOverlay
	placeholder := m.t([...]string{"message.placeholder", "yours.placeholder"}[purpose])
	return m.inputBox.open(purpose, value, placeholder, m.lay.inputW)
}

// onMessageKey edits the input box; enter uses what was typed.
func (m *Model) onMessageKey(msg tea.KeyPressMsg) tea.Cmd {
	text, submitted, closed, cmd := m.inputBox.key(msg, m.keys)
	if closed {
		m.overlay = noOverlay
	}
	switch {
	case !submitted:
		return cmd
	case m.inputBox.purpose == inputTarget:
		return m.watchYours(text)
	case m.inputBox.purpose == inputBuild:
		return m.startBuild(text)
	}
	return m.startAction(text)
}

func (m *Model) onListKey(msg tea.KeyPressMsg) tea.Cmd {
	chosen, closed := m.lessonsBox.key(msg, m.keys)
	if closed {
		m.overlay = noOverlay
	}
	if chosen >= 0 && chosen != m.lesson {
		return m.goTo(chosen, 0)
	}
	return nil
}

// goTo moves to a step. Past the end of a lesson it goes on to the next
// lesson, and before the start back to the previous one.
func (m *Model) goTo(lesson, step int) tea.Cmd {
	all := m.d.Course.Lessons
	if step >= len(all[lesson].Steps) && lesson+1 < len(all) {
		lesson, step = lesson+1, 0
	}
	if step < 0 && lesson > 0 {
		lesson, step = lesson-1, len(all[lesson-1].Steps)-1
	}
	if step < 0 || step >= len(all[lesson].Steps) || (lesson == m.lesson && step == m.step) {
		return nil
	}
	m.lesson, m.step = lesson, step
	m.enterStep()
	m.setStatus("", false)
	return m.saveProgress()
}

// scroll moves the focused pane; the event and byte panes count from the
// newest line, so "down" means towards it.
func (m *Model) scroll(by int) {
	by = min(max(by, -farAway), farAway)
	switch m.focus {
	case focusLesson:
		m.lessonView.scroll(by)
	case focusEvents:
		m.eventsView.scroll(-by)
	case focusBytes:
		m.bytesView.scroll(-by)
	}
}

// sideStep is how far < and > move a cut command line.
const sideStep = 8

// farAway is a scroll past either end: home and end; clampScroll brings
// it back to the first or last row.
const farAway = 1 << 30

// pageSize is what pgup and pgdn move: the rows the focused pane shows.
func (m *Model) pageSize() int {
	w, h := m.lay.panes[m.focus].inner()
	if m.focus == focusLesson {
		h -= len(m.lessonHead(w)) // the body scrolls under the header
	}
	return max(1, h)
}

// watchYours puts the tap in front of the learner's server at target: the
// step's checks and the panes now follow that server.
func (m *Model) watchYours(target string) tea.Cmd {
	target = strings.TrimSpace(target)
	switch err := m.d.Backend.Watch(target); {
	case errors.Is(err, yourturn.ErrOwnAddress):
		m.setStatus(m.t("yours.self")+" "+netcore.Quote(target), true)
		return nil
	case err != nil:
		m.setStatus(m.t("yours.bad")+" "+netcore.EscapeText(netcore.SayError(err, m.d.UI)), true) // the input in it is escaped already
		return nil
	}
	m.lastTarget = m.d.Backend.Target()
	m.setStatus(m.t("yours.on")+" "+m.lastTarget, false)
	return nil
}

// onPeersKey picks a peer to filter the panes to; the first row is
// everyone. From it the presenter holds a chosen student's next reply (i),
// blocks an address for the session (d), or clears the list (c, then y).
func (m *Model) onPeersKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.clearAsk {
		m.clearAsk = false
		if key.Matches(msg, k.Yes) {
			m.peers = peerTable{}
			m.peersBox.open(nil, m.lay.listRows)
		}
		return nil
	}
	sel := m.peersBox.selected()
	switch {
	case key.Matches(msg, k.Clear):
		m.clearAsk = true
		return nil
	case key.Matches(msg, k.Hold) && sel.IsValid() && k.Hold.Enabled():
		m.holdFor(sel)
		m.overlay = noOverlay
		return nil
	case key.Matches(msg, k.Block) && sel.IsValid() && k.Block.Enabled():
		if m.d.Backend.Block(sel) {
			m.setStatus(fmt.Sprintf(m.t("peers.blocked"), m.label(sel)), false)
		} else {
			m.setStatus(m.t("peers.blockfull"), true)
		}
		return nil
	}
	chosen, closed := m.peersBox.key(msg, m.keys)
	if closed {
		m.overlay = noOverlay
	}
	if chosen {
		m.filter = m.peersBox.selected()
		m.eventsView.offset, m.bytesView.offset = 0, 0
	}
	return nil
}

// holdFor arms a hold on the next reply to one student.
func (m *Model) holdFor(ip netip.Addr) {
	m.d.Backend.HoldFor(ip)
	m.setStatus(fmt.Sprintf(m.t("hold.armed.for"), m.label(ip)), false)
}

// playerKey acts on a replay's jump keys.
func (m *Model) playerKey(msg tea.KeyPressMsg) {
	p, ok := m.d.Backend.(player)
	if !ok {
		return
	}
	k := &m.keys
	switch {
	case key.Matches(msg, k.RecNext):
		p.NextStep()
	case key.Matches(msg, k.RecPrev):
		p.PrevStep()
	case key.Matches(msg, k.Speed):
		p.CycleSpeed()
	case key.Matches(msg, k.Skip):
		p.SkipBurst()
	case key.Matches(msg, k.Again):
		p.Again()
	}
}

// clearPanes empties the events and bytes panes.
func (m *Model) clearPanes() {
	m.events.clear()
	m.chunks.clear()
	m.eventsView.offset, m.bytesView.offset = 0, 0
}
