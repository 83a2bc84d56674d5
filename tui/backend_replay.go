package tui

import (
	"net/netip"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// replay plays a recording: no server runs and no client dials.
type replay struct {
	rep   *netcore.Replayer
	inbox *netcore.Inbox
}

// NewReplay is the backend of tubes replay: rep plays into inbox (the
// caller runs rep.Run).
func NewReplay(rep *netcore.Replayer, inbox *netcore.Inbox) Backend {
	return &replay{rep: rep, inbox: inbox}
}

func (r *replay) Caps() Caps { return CanPlayback }

func (r *replay) Wake() <-chan struct{} { return r.inbox.Wake() }

func (r *replay) Poll() ([]netcore.Event, uint64, netcore.Totals) {
	return r.inbox.Drain(), r.inbox.Folded(), netcore.Totals{}
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

func (r *replay) State() BackendState {
	played, total := r.rep.Progress()
	return BackendState{Paused: r.rep.Paused(), Played: played, Total: total}
}
