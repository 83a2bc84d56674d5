package tui

import (
	"net"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Update routes every message. It does no I/O: network and disk work is
// returned as commands.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.high = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark(), m.d.Contrast)
		if m.lessonView.style != "notty" && !msg.IsDark() {
			m.lessonView.style = "light"
		}
		return m, nil
	case wakeMsg:
		if m.ticking {
			return m, nil
		}
		m.ticking = true
		return m, m.flushTick()
	case batchMsg:
		if len(msg.events) == 0 {
			m.ticking = false
			m.folded, m.totals = msg.folded, msg.totals
			return m, m.waitForEvents()
		}
		var cmds []tea.Cmd
		if m.applyBatch(msg) {
			cmds = append(cmds, m.saveProgress())
		}
		return m, tea.Batch(append(cmds, m.flushTick())...)
	case actionDoneMsg:
		if msg.seq != m.actionSeq {
			return m, nil // an action stopped by a step change
		}
		m.busy, m.cancelAction = false, nil
		if msg.err != nil {
			m.setStatus(m.t("action.failed")+": "+msg.err.Error(), true)
		} else {
			m.setStatus(msg.note, false)
		}
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	if m.overlay == messageOverlay {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg) // the cursor's blink
		return m, cmd
	}
	return m, nil
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusIsErr = s, isErr }

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	// In the message box every key but ctrl+c is typing, q included.
	if key.Matches(msg, k.Quit) && (msg.String() == "ctrl+c" || m.overlay == noOverlay) {
		return tea.Quit
	}
	switch m.overlay {
	case helpOverlay:
		if key.Matches(msg, k.Help, k.Close, k.Quit) {
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
		if key.Matches(msg, k.QR, k.Close, k.Quit) {
			m.overlay = noOverlay
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Choose) && m.heldConn() != 0:
		// A held reply takes enter first: the presenter lets it go.
		m.d.Server.ReleaseReply()
		m.setStatus(m.t("hold.released"), false)
	case key.Matches(msg, k.Hold) && m.d.Server != nil:
		if m.holding() {
			m.d.Server.ReleaseReply()
			m.setStatus(m.t("hold.released"), false)
		} else {
			m.d.Server.HoldNextReply()
			m.setStatus(m.t("hold.armed"), false)
		}
	case key.Matches(msg, k.Slow) && m.d.Server != nil:
		m.d.Server.SetSlowMotion(!m.d.Server.SlowMotion())
	case key.Matches(msg, k.Choose) && !k.Enter.Enabled():
		m.setStatus(m.t("lesson.noaction"), false)
	case key.Matches(msg, k.Enter):
		return m.startAction("")
	case key.Matches(msg, k.Message):
		return m.openInput(inputMessage, "")
	case key.Matches(msg, k.Yours):
		if m.target != "" {
			// Back to the lesson's own server.
			m.target = ""
			m.enterStep()
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
	case key.Matches(msg, k.Pause) && m.d.Replay != nil:
		// In a replay, space pauses the recording itself; . then steps.
		m.d.Replay.SetPaused(!m.d.Replay.Paused())
	case key.Matches(msg, k.Step) && m.d.Replay != nil:
		m.d.Replay.Step()
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		m.pausedAt, m.pausedCh = m.events.total, m.chunks.total
	case key.Matches(msg, k.Clear):
		m.events.clear()
		m.chunks.clear()
		m.eventsView.offset, m.bytesView.offset = 0, 0
	case key.Matches(msg, k.Example):
		m.lessonView.example = !m.lessonView.example
		m.lessonView.offset = 0
		m.focus = focusLesson
	case key.Matches(msg, k.Peers):
		m.overlay, m.peerCursor = peersOverlay, 0
	case key.Matches(msg, k.QR):
		m.overlay = qrOverlay
		m.qr, m.qrErr = qrLines(m.roomURL(), m.st.dark)
	case key.Matches(msg, k.Help):
		m.overlay = helpOverlay
	case key.Matches(msg, k.List):
		m.overlay = listOverlay
		m.cursor = m.lesson
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
	m.overlay, m.inputFor = messageOverlay, purpose
	m.input.Reset()
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.Placeholder = m.t([...]string{"message.placeholder", "yours.placeholder"}[purpose])
	m.input.SetWidth(min(60, m.width-10))
	return m.input.Focus()
}

// onMessageKey edits the input box; enter uses what was typed.
func (m *Model) onMessageKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Close):
		m.overlay = noOverlay
		m.input.Blur()
		return nil
	case key.Matches(msg, m.keys.Choose):
		m.overlay = noOverlay
		m.input.Blur()
		text := m.input.Value()
		m.input.Reset()
		if text == "" {
			return nil
		}
		if m.inputFor == inputTarget {
			return m.watchYours(text)
		}
		return m.startAction(text)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) onListKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Close, k.List, k.Quit):
		m.overlay = noOverlay
	case key.Matches(msg, k.Up, k.Prev):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down, k.Next):
		m.cursor = min(len(m.d.Course.Lessons)-1, m.cursor+1)
	case key.Matches(msg, k.Choose):
		m.overlay = noOverlay
		if m.cursor != m.lesson {
			return m.goTo(m.cursor, 0)
		}
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
	switch m.focus {
	case focusLesson:
		m.lessonView.scroll(by)
	case focusEvents:
		m.eventsView.scroll(-by)
	case focusBytes:
		m.bytesView.scroll(-by)
	}
}

func (m *Model) pageSize() int { return max(1, m.high/2) }

// watchYours puts the tap in front of the learner's server at target: the
// step's checks and the panes now follow that server.
func (m *Model) watchYours(target string) tea.Cmd {
	target = strings.TrimSpace(target)
	if _, _, err := net.SplitHostPort(target); err != nil {
		m.setStatus(m.t("yours.bad")+" "+target, true)
		return nil
	}
	m.target, m.lastTarget = target, target
	m.enterStep()
	m.setStatus(m.t("yours.on")+" "+target, false)
	return nil
}

// onPeersKey picks a peer to filter the panes to; the first row is everyone.
func (m *Model) onPeersKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	peers := m.peers.sorted()
	n := len(peers)
	switch {
	case key.Matches(msg, k.Close, k.Peers, k.Quit):
		m.overlay = noOverlay
	case key.Matches(msg, k.Up):
		m.peerCursor = max(0, m.peerCursor-1)
	case key.Matches(msg, k.Down):
		m.peerCursor = min(n, m.peerCursor+1)
	case key.Matches(msg, k.Choose):
		m.overlay = noOverlay
		m.filter = netip.Addr{}
		if m.peerCursor > 0 && m.peerCursor <= n {
			m.filter = peers[m.peerCursor-1].ip
		}
		m.eventsView.offset, m.bytesView.offset = 0, 0
	}
	return nil
}

// holding reports whether a hold is armed or a reply is held.
func (m *Model) holding() bool {
	if m.d.Server == nil {
		return false
	}
	armed, _ := m.d.Server.Holding()
	return armed
}

// heldConn is the connection whose reply is held, 0 if none is.
func (m *Model) heldConn() uint64 {
	if m.d.Server == nil {
		return 0
	}
	_, conn := m.d.Server.Holding()
	return conn
}
