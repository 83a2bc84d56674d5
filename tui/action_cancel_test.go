package tui

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

// An action that a slow server keeps going must not wedge enter: moving
// to another step cancels it, enter starts the new step's action at once,
// and the old action's late result changes nothing.

// dripListener is a loopback server that answers every connection with
// one byte every 200ms, for ever.
func dripListener(t *testing.T) lessons.Address {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					select {
					case <-done:
						return
					case <-time.After(200 * time.Millisecond):
					}
					if _, err := c.Write([]byte("z")); err != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { close(done); _ = l.Close() })
	return lessons.Address{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
}

func TestStepChangeCancelsWedgedAction(t *testing.T) {
	r := newRig(t, "routing")
	r.size(120, 40)
	own := r.m.d.Addr
	r.m.d.Addr = dripListener(t)

	first := r.press(keyEnter)
	if first == nil {
		t.Fatal("enter started no action")
	}
	stale := make(chan any, 1)
	go func() { stale <- first() }()
	time.Sleep(300 * time.Millisecond) // the drip has started
	if cmd := r.press(keyEnter); cmd != nil {
		t.Fatal("a second enter started another action while the first runs")
	}

	r.press(keyRune('n'))
	if r.m.step != 1 || r.m.currentStep().Action.None() {
		t.Fatalf("step %d has no action to start", r.m.step)
	}
	select {
	case msg := <-stale:
		stale <- msg
	case <-time.After(time.Second):
		t.Fatal("the old action went on for a second after the step changed")
	}
	r.m.d.Addr = own
	second := r.press(keyEnter)
	if second == nil {
		t.Fatal("after a step change, enter started no action: the old one still holds it")
	}
	// The old action's result comes in late: the new action still runs.
	r.m.Update(<-stale)
	if !r.m.busy {
		t.Error("the old action's result ended the new action's busy state")
	}
	if strings.Contains(r.m.status, r.m.t("action.failed")) {
		t.Errorf("the old action's result shows in the status line: %q", r.m.status)
	}
	msg := second()
	if done, ok := msg.(actionDoneMsg); !ok || done.err != nil {
		t.Fatalf("the new action: %#v", msg)
	}
	r.m.Update(msg)
	if r.m.busy {
		t.Error("the new action's own result did not end its busy state")
	}
	if r.press(keyEnter) == nil {
		t.Error("enter does nothing after the new action finished")
	}
}
