package tui

import (
	"context"
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
		return batchMsg{events: events, folded: folded, totals: totals}
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
	completes := m.d.Backend.Caps().Has(CanComplete)
	for i, e := range b.events {
		m.own.Note(e)
		m.peers.note(e)
		// A replay shows what happened once; it completes nothing now.
		if completes && !m.stepDone() && m.tracker.Feed(e, &m.own) {
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
		c := &chunk{ev: e.ForDisplay(chunkKeep)}
		m.chunks.add(c)
		if stays && m.bytesView.offset > 0 {
			w, _ := m.lay.panes[focusBytes].inner()
			m.bytesView.offset += len(c.render(m.st, m.t, w, m.bytesView.mode))
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
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
