package tui

import (
	"net/netip"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// Caps is what a backend can do. Keys and help are enabled from it, so a
// key that cannot act is neither offered nor handled.
type Caps uint8

const (
	CanAct      Caps = 1 << iota // enter and m: the app's client talks to a live server
	CanTap                       // y: the server becomes a tap in front of the learner's own
	CanPresent                   // i and s: hold a reply, slow motion
	CanPlayback                  // space pauses the recording, . steps it, [ ] f J r jump (see player)
	CanComplete                  // events complete steps (a replay shows what happened once)
	CanServe                     // a server runs: its behavior and totals show in the status line
)

// Has reports whether every capability in want is there.
func (c Caps) Has(want Caps) bool { return c&want == want }

// Backend is where the model's events come from and what its keys act on:
// a live server (NewLive) or a recording (NewReplay). A method that the
// backend's Caps do not include does nothing.
type Backend interface {
	Caps() Caps
	// Wake fires when events are waiting; Poll takes them with the totals.
	// Poll runs in a command, off the UI goroutine.
	Wake() <-chan struct{}
	Poll() (events []netcore.Event, folded uint64, totals netcore.Totals)
	// SetBehavior puts a step's server behavior live (unless a tap is on).
	SetBehavior(b netcore.Behavior)
	// ShowStep says which step is on screen, for the room page.
	ShowStep(l lessons.Lesson, step int)
	// Env is what the step's action gets to run with.
	Env(addr lessons.Address, message []byte) lessons.Env
	// Target is the learner's server behind the tap, "" when there is none;
	// Watch sets it ("" goes back to the lesson's server).
	Target() string
	// Watch puts the tap in front of target ("" stops); an error says
	// why not, already escaped (not an address, or this app's own).
	Watch(target string) error
	// Names are the names students gave on the room page, by address, not
	// escaped yet; nil without a room. It runs off the UI goroutine.
	Names() map[netip.Addr]string
	// Presenter controls. HoldFor holds the next reply to one address;
	// Block turns an address away for the session (false: the list is full).
	HoldFor(peer netip.Addr)
	Block(peer netip.Addr) bool
	ToggleHold()
	ReleaseReply()
	ToggleSlow()
	// Playback controls.
	TogglePause()
	StepOne()
	// State is a snapshot for the status line.
	State() BackendState
}

// StepWatcher is told the step on screen: the room page (lessons/room).
type StepWatcher interface {
	SetStep(l lessons.Lesson, step int)
}

// BackendState is what the status line shows of the backend.
type BackendState struct {
	Behavior      string
	HoldArmed     bool
	HeldConn      uint64     // the connection whose reply is held, 0 if none
	HoldFor       netip.Addr // the address the hold waits for (zero: anyone)
	HeldPeer      netip.Addr // the held connection's address
	Slow          bool
	Paused        bool
	Speed         int  // a replay's speed: 1, 4 or 16 times the recorded pace
	Ended         bool // a replay has played its last event
	Rewinds       bool // a replay can go back (previous step, r)
	Played, Total int
	// The recording (--record): on, stopped at --record-max, events that
	// missed it, or stopped by a write error.
	Recording, RecordFull, RecordFailed bool
	RecordDropped                       uint64
}
