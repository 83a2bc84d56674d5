package tui

import (
	"net/netip"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// live is the embedded server and the app's own client.
type live struct {
	server   *netcore.Server
	client   *netcore.Client
	inbox    *netcore.Inbox
	target   string            // "your server" mode: the tap forwards here
	behavior netcore.Behavior  // the step's own, restored when the tap goes
	recorder *netcore.Recorder // nil unless --record
	watchers []StepWatcher
	names    func() map[netip.Addr]string
}

// Live is what the course's backend runs on.
type Live struct {
	Server *netcore.Server
	Client *netcore.Client // what the steps' actions use
	Inbox  *netcore.Inbox  // where the server and the client report
	Target string          // set: watch the learner's own server through the tap
	// Recorder, when not nil, shows its state in the status line and
	// hears of every step change (a StepChanged event), so a recording
	// replays the lesson as it went; the live panes need no such line.
	Recorder *netcore.Recorder
	// Watchers (the room page) hear of every step shown.
	Watchers []StepWatcher
	// Names, when not nil, are the names students gave (the room page).
	Names func() map[netip.Addr]string
}

// NewLive is the backend of the course: the server, the client, the inbox
// both report to, and, when Target is set,
// the learner's own server to watch through the tap (tubes tap).
func NewLive(c Live) Backend {
	return &live{server: c.Server, client: c.Client, inbox: c.Inbox, target: c.Target, behavior: c.Server.Behavior(),
		recorder: c.Recorder, watchers: c.Watchers, names: c.Names}
}

func (l *live) Caps() Caps {
	return CanAct | CanTap | CanPresent | CanComplete | CanServe
}

func (l *live) Wake() <-chan struct{} { return l.inbox.Wake() }

func (l *live) Poll() ([]netcore.Event, uint64, netcore.Totals) {
	return l.inbox.Drain(), l.inbox.Folded(), l.server.Totals()
}

func (l *live) SetBehavior(b netcore.Behavior) {
	l.behavior = b
	l.apply()
}

func (l *live) ShowStep(lesson lessons.Lesson, step int) {
	for _, w := range l.watchers {
		w.SetStep(lesson, step)
	}
	if l.recorder != nil {
		l.recorder.Push(netcore.Event{Time: time.Now(), Kind: netcore.StepChanged, Text: lesson.ID, Step: step})
	}
}

func (l *live) Names() map[netip.Addr]string {
	if l.names == nil {
		return nil
	}
	return l.names()
}

func (l *live) HoldFor(peer netip.Addr) {
	if armed, _ := l.server.Holding(); armed {
		l.server.ReleaseReply()
	}
	l.server.HoldNextReplyTo(peer)
}

func (l *live) Block(peer netip.Addr) bool { return l.server.Block(peer) }

func (l *live) apply() {
	if l.target != "" {
		l.server.SetBehavior(netcore.Tap{Target: l.target})
	} else {
		l.server.SetBehavior(l.behavior)
	}
}

func (l *live) Env(addr lessons.Address, message []byte) lessons.Env {
	held := func() bool { return l.server.Hold().Conn != 0 }
	return lessons.Env{Client: l.client, Addr: addr, Message: message, Held: held}
}

func (l *live) Target() string { return l.target }

func (l *live) Watch(target string) error {
	if target != "" {
		hp, err := netcore.ParseTarget(target)
		if err != nil {
			return err
		}
		if l.server.Reaches(hp) {
			return yourturn.ErrOwnAddress
		}
		target = hp.String()
	}
	l.target = target
	l.apply()
	return nil
}

func (l *live) ToggleHold() {
	if armed, _ := l.server.Holding(); armed {
		l.server.ReleaseReply()
	} else {
		l.server.HoldNextReply()
	}
}

func (l *live) ReleaseReply() { l.server.ReleaseReply() }

func (l *live) ToggleSlow() { l.server.SetSlowMotion(!l.server.SlowMotion()) }

func (l *live) TogglePause() {}

func (l *live) StepOne() {}

func (l *live) State() BackendState {
	h := l.server.Hold()
	st := BackendState{Behavior: l.server.Behavior().Name(), HoldArmed: h.Armed, HeldConn: h.Conn, HoldFor: h.For, HeldPeer: h.Peer,
		Slow: l.server.SlowMotion()}
	if l.recorder != nil {
		rs := l.recorder.State()
		st.Recording, st.RecordFull, st.RecordDropped, st.RecordFailed = true, rs.Full, rs.Dropped, rs.Err != nil
	}
	return st
}
