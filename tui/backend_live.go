package tui

import (
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// live is the embedded server and the app's own client.
type live struct {
	server   *netcore.Server
	client   *netcore.Client
	inbox    *netcore.Inbox
	target   string           // "your server" mode: the tap forwards here
	behavior netcore.Behavior // the step's own, restored when the tap goes
	watchers []StepWatcher
}

// NewLive is the backend of the course: the server, the client that the
// steps' actions use, the inbox both report to, and, when target is set,
// the learner's own server to watch through the tap (tubes tap); watchers
// (the room page) hear of every step shown.
func NewLive(server *netcore.Server, client *netcore.Client, inbox *netcore.Inbox, target string, watchers ...StepWatcher) Backend {
	return &live{server: server, client: client, inbox: inbox, target: target, behavior: server.Behavior(), watchers: watchers}
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
}

func (l *live) apply() {
	if l.target != "" {
		l.server.SetBehavior(netcore.Tap{Target: l.target})
	} else {
		l.server.SetBehavior(l.behavior)
	}
}

func (l *live) Env(addr lessons.Address, message []byte) lessons.Env {
	return lessons.Env{Client: l.client, Addr: addr, Message: message}
}

func (l *live) Target() string { return l.target }

func (l *live) Watch(target string) {
	l.target = target
	l.apply()
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
	armed, conn := l.server.Holding()
	return BackendState{Behavior: l.server.Behavior().Name(), HoldArmed: armed, HeldConn: conn, Slow: l.server.SlowMotion()}
}
