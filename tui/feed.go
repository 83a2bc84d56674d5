package tui

import (
	"maps"
	"net/netip"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// Events reach the model in batches: the inbox wakes the model once, then
// a tick drains everything queued every flushEvery until a tick finds
// nothing, and the model goes back to waiting. No tick runs while idle.

type wakeMsg struct{}

type batchMsg struct {
	events []netcore.Event
	folded uint64
	totals netcore.Totals
	names  map[netip.Addr]string // the room's names, nil without a room
	// restart: a replay jumped back; what the panes show is from before.
	restart bool
}

type actionDoneMsg struct {
	seq  uint64 // which action: a stale one's result is ignored
	note lessons.Note
	err  error
}

type savedMsg struct{ err error }

func (m *Model) waitForEvents() tea.Cmd {
	wake := m.d.Backend.Wake()
	return func() tea.Msg {
		<-wake
		return wakeMsg{}
	}
}

func (m *Model) flushTick() tea.Cmd {
	b := m.d.Backend
	return tea.Tick(flushEvery, func(time.Time) tea.Msg {
		events, folded, totals := b.Poll()
		restart := false
		if p, ok := b.(player); ok {
			restart = p.Restarted()
		}
		return batchMsg{events: events, folded: folded, totals: totals, names: b.Names(), restart: restart}
	})
}

// applyBatch files the events into the panes' rings and feeds the step's
// check. It returns whether the step became done.
func (m *Model) applyBatch(b batchMsg) (finished bool) {
	m.folded, m.totals = b.folded, b.totals
	// Under a flood a batch holds more than the rings keep. The older part
	// would be pushed out before any frame showed it, so it is counted but
	// not stored (no copies, no blocks): this is what lets the UI absorb
	// a flood. The step's check still sees every event.
	skipEvents := len(b.events) - len(m.events.items)
	skipBlocks := -len(m.chunks.items)
	if len(b.events) > len(m.chunks.items) {
		for _, e := range b.events {
			if isBlock(e) {
				skipBlocks++
			}
		}
	}
	m.takeNames(b.names)
	caps := m.d.Backend.Caps()
	completes := caps.Has(CanComplete)
	demo := m.currentStep().Demo
	for i, e := range b.events {
		if e.Kind == netcore.StepChanged {
			if caps.Has(CanPlayback) {
				m.followStep(e) // a replay shows the step it was recorded at
				demo = m.currentStep().Demo
			}
		}
		m.own.Note(e)
		if ip, isNew := m.mine.note(e); isNew {
			m.brd.forget(ip)
		}
		m.peers.note(e)
		m.brd.feed(e, &m.own, m.mine)
		// A replay shows what happened once; it completes nothing now.
		// A demo step is the teacher's: only the app's client counts.
		if completes && !m.stepDone() && (!demo || countsForDemo(e, m.mine)) && m.tracker.Feed(e, &m.own) {
			m.d.Progress.MarkDone(m.current().ID, m.step)
			finished = true
		}
		// A scrolled-up view stays on the rows it shows: its offset counts
		// from the newest, so it grows by what arrives below. A paused
		// view shows none of it.
		stays := !m.paused && shows(m.filter, e)
		if stays && m.eventsView.offset > 0 {
			m.eventsView.offset++
		}
		if i < skipEvents {
			m.events.skip()
		} else {
			m.events.add(e.ForDisplay(previewKeep))
		}
		if !isBlock(e) {
			continue
		}
		if skipBlocks > 0 {
			skipBlocks--
			m.chunks.skip()
			continue
		}
		c := &chunk{ev: e.ForDisplay(chunkKeep), who: m.names[addrOf(e.Remote)]}
		m.chunks.add(c)
		if stays && m.bytesView.offset > 0 {
			w, _ := m.lay.panes[focusBytes].inner()
			m.bytesView.offset += len(c.render(m.st, m.t, w, m.bytesView.mode, !m.bytesView.addrs))
		}
	}
	return finished
}

// isBlock says whether e gets a block in the bytes pane: the server's or
// tap's reads and writes (the app's own client shows in the events only).
func isBlock(e netcore.Event) bool {
	return e.Source != netcore.FromClient && (e.Kind == netcore.Recv || e.Kind == netcore.Sent)
}

// runAction performs the step's enter action off the UI goroutine, with
// the learner's message when they typed one.
func (m *Model) runAction(message string) tea.Cmd {
	act := m.currentStep().Action
	env := m.d.Backend.Env(m.d.Addr, []byte(message))
	env.UI = m.d.UI
	ctx, cancel := lessons.ActionContext(20*time.Second, env.Held)
	m.actionSeq++
	seq := m.actionSeq
	m.cancelAction = cancel
	return func() tea.Msg {
		defer cancel()
		note, err := act.Run(ctx, env)
		return actionDoneMsg{seq: seq, note: note, err: err}
	}
}

// stopAction cancels the running action, if any, and frees enter: the
// action's late result carries an old seq and is ignored.
func (m *Model) stopAction() {
	if m.cancelAction != nil {
		m.cancelAction()
		m.cancelAction = nil
	}
	m.busy = false
	m.actionSeq++
}

// saveProgress writes a snapshot of the progress off the UI goroutine.
func (m *Model) saveProgress() tea.Cmd {
	if m.d.Store == nil {
		return nil
	}
	m.saveVersion++
	store, snap, v := m.d.Store, m.d.Progress.Clone(), m.saveVersion
	return func() tea.Msg { return savedMsg{err: store.Save(snap, v)} }
}

// takeNames keeps the room's names, escaped once when they change: a name
// is the student's own text and reaches the screen only escaped.
func (m *Model) takeNames(names map[netip.Addr]string) {
	if names == nil || maps.Equal(names, m.rawNames) {
		return
	}
	m.rawNames = names
	m.names = make(map[netip.Addr]string, len(names))
	for ip, n := range names {
		if m.mine.has(ip) {
			continue
		}
		m.names[ip] = netcore.Escape([]byte(n))
		m.brd.join(ip)
	}
}

// label is how the screen names a student: the name they gave, or with
// a (or no name) the address.
func (m *Model) label(ip netip.Addr) string {
	if n, ok := m.names[ip]; ok && !m.bytesView.addrs {
		return n
	}
	return ip.String()
}

// eventWho is the name shown beside an event of a named student.
func (m *Model) eventWho(e netcore.Event) string {
	if m.bytesView.addrs || e.Source == netcore.FromClient || e.Remote == nil {
		return ""
	}
	return m.names[addrOf(e.Remote)]
}

// followStep moves a replay to the step a StepChanged event names.
func (m *Model) followStep(e netcore.Event) {
	i := m.d.Course.Find(e.Text)
	if i < 0 || e.Step < 0 || e.Step >= len(m.d.Course.Lessons[i].Steps) || (i == m.lesson && e.Step == m.step) {
		return
	}
	m.lesson, m.step = i, e.Step
	m.enterStep()
}
