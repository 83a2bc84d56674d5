package tui

import (
	"net/netip"
	"sync"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// replay plays a recording: no server runs and no client dials.
type replay struct {
	rep   *netcore.Replayer
	inbox *netcore.Inbox
	end   chan struct{} // wakes the model when the end is reached

	mu        sync.Mutex
	restarted bool // a jump back since the last Poll
	polled    bool // the last Poll's events follow a jump back
}

// player is what a replay's jump keys act on; only a replay backend is one.
type player interface {
	NextStep()
	PrevStep()
	CycleSpeed()
	SkipBurst()
	Again()
	// Restarted reports whether the last Poll's events follow a jump back,
	// so the panes drop what they show first.
	Restarted() bool
}

// NewReplay is the backend of tubes replay: rep plays into inbox (the
// caller runs rep.Run). It sets rep's OnRestart and OnEnd.
func NewReplay(rep *netcore.Replayer, inbox *netcore.Inbox) Backend {
	r := &replay{rep: rep, inbox: inbox, end: make(chan struct{}, 1)}
	if rep == nil {
		return r // a screen without a player, for tests of the layout
	}
	rep.OnRestart(func() {
		r.mu.Lock()
		r.inbox.Drain() // events of the pass left behind are not shown
		r.restarted = true
		r.mu.Unlock()
	})
	rep.OnEnd(func() {
		select {
		case r.end <- struct{}{}:
		default:
		}
	})
	return r
}

func (r *replay) Caps() Caps { return CanPlayback }

// Wake fires for events and for the end, so the status line says so.
func (r *replay) Wake() <-chan struct{} {
	out := make(chan struct{})
	go func() {
		select {
		case <-r.inbox.Wake():
		case <-r.end:
		}
		close(out)
	}()
	return out
}

func (r *replay) Poll() ([]netcore.Event, uint64, netcore.Totals) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.polled, r.restarted = r.restarted, false
	return r.inbox.Drain(), r.inbox.Folded(), netcore.Totals{}
}

func (r *replay) Restarted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.polled
}

func (r *replay) SetBehavior(netcore.Behavior) {}

func (r *replay) ShowStep(lessons.Lesson, int) {}

func (r *replay) Env(addr lessons.Address, message []byte) lessons.Env {
	return lessons.Env{Addr: addr, Message: message}
}

func (r *replay) Target() string               { return "" }
func (r *replay) Watch(string) error           { return nil }
func (r *replay) ToggleHold()                  {}
func (r *replay) HoldFor(netip.Addr)           {}
func (r *replay) Block(netip.Addr) bool        { return false }
func (r *replay) Names() map[netip.Addr]string { return nil }
func (r *replay) ReleaseReply()                {}
func (r *replay) ToggleSlow()                  {}
func (r *replay) TogglePause()                 { r.rep.SetPaused(!r.rep.Paused()) }
func (r *replay) StepOne()                     { r.rep.Step() }
func (r *replay) NextStep()                    { r.rep.NextStep() }
func (r *replay) PrevStep()                    { r.rep.PrevStep() }
func (r *replay) CycleSpeed()                  { r.rep.CycleSpeed() }
func (r *replay) SkipBurst()                   { r.rep.SkipBurst() }
func (r *replay) Again()                       { r.rep.Again() }

func (r *replay) State() BackendState {
	played, total := r.rep.Progress()
	return BackendState{Paused: r.rep.Paused(), Played: played, Total: total, Speed: r.rep.Speed(), Ended: r.rep.Ended(), Rewinds: r.rep.CanRewind()}
}
