package lessons_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// tapHidden are the steps whose check cannot be seen through the tap (a
// Forward server in front of the learner's own server, whose events are
// FromTap). Every other step completes from the tap's events alone, so
// `tubes check` and the tap can reuse its check as it is.
//
// The four "app's own client" steps are hidden from the tap's events only:
// in the course with y (your server), enter still runs the app's client,
// through the tap, and its events are fed to the check too. The others
// depend on what only the real server knows: how its reads split the
// stream, and why it closed or refused a connection.
//
// TestStepChecksThroughTap keeps this table exact: a step listed here must
// not complete through the tap, and a step not listed must.
var tapHidden = map[string]string{
	"client/1":        "ClientConnects: only the app's own client reports a connect",
	"ping-pong/1":     "ClientReceives: needs the app's own client's recv events",
	"ping-pong/3":     "ClientSendsOwnMessage: needs the app's own client's events",
	"http-response/1": "ClientReceivesPrefix: needs the app's own client's recv events",
	"byte-stream/1":   "ServerReadHolds: the tap reads each write as it comes; the server's own reads happen behind it",
	"byte-stream/2":   "ManyReads: the tap reads into 32 KiB; the server's 8-byte reads happen behind it",
	"timeouts/1":      "Closes(idle): the tap sees the server hang up (by self), not that it was the idle timeout",
	"timeouts/2":      "Closes(header-timeout): the header timeout is the server's own reason; the tap sees by self",
	"timeouts/3":      "ServerRefuses: the tap accepts every connection; the limit refuses behind it",
	"timeouts/4":      "Closes(header-timeout) ×5: as timeouts/2",
}

// TestStepChecksThroughTap drives every step the lesson's way against a tap
// in front of the step's server, and feeds only the tap's events to the
// step's check.
func TestStepChecksThroughTap(t *testing.T) {
	c := loadEN(t)
	steps := map[string]bool{}
	for _, l := range c.Lessons {
		for i, s := range l.Steps {
			key := fmt.Sprintf("%s/%d", l.ID, i+1)
			steps[key] = true
			sc, ok := stepCases[key]
			if !ok || sc.way == nil {
				continue // TestStepChecksWithRealTraffic reports it
			}
			why, hidden := tapHidden[key]
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				r := newTapRig(t, s)
				sc.way(t, r, s)
				if !hidden {
					if r.await(func() bool { return r.done }) != nil {
						t.Errorf("%s does not complete through the tap: fix its check, or list it in tapHidden with the reason; tap events:\n%s", key, r.dump())
					}
					return
				}
				// The traffic has played out; give late events a moment.
				time.Sleep(100 * time.Millisecond)
				if r.pump(); r.done {
					t.Errorf("%s is in tapHidden (%s) but completes through the tap: take it off the list; tap events:\n%s", key, why, r.dump())
				}
			})
		}
	}
	for key := range tapHidden {
		if !steps[key] {
			t.Errorf("tapHidden lists %s, which is not a step of the course", key)
		}
	}
}

// A tap whose server is not running accepts, then fails to reach it, says
// so with a refused event of its own, and reads what the client sent before
// closing. No step may count any of that: the learner's server did nothing
// (with y in the course, the learner has not started it yet).
func TestTapToADeadServerCompletesNoStep(t *testing.T) {
	c := loadEN(t)
	for _, l := range c.Lessons {
		for i, s := range l.Steps {
			key := fmt.Sprintf("%s/%d", l.ID, i+1)
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				inbox := netcore.NewInbox(256)
				target := net.JoinHostPort("127.0.0.1", strconv.Itoa(deadPort(t)))
				cfg := defaultsAt("127.0.0.1:0")
				cfg.Source = netcore.FromTap
				tap := listen(t, cfg, netcore.Tap{Target: target}, inbox)
				r := &rig{t: t, inbox: inbox, srv: tap, addr: lessons.Address{Host: "127.0.0.1", Port: tap.Port()},
					tracker: s.Goal.NewTracker(), doneBy: -1, side: netcore.FromTap}
				// curl, which sends a request and reads what comes back: the
				// tap closes at once, with a reset since it read nothing.
				c := r.dial()
				send(t, c, curlRequest(r.hostPort()))
				if got, err := io.ReadAll(c); len(got) > 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
					t.Errorf("got %q, %v from a tap with nothing behind it", got, err)
				}
				_ = c.Close()
				r.settle(1)
				if n := len(r.matching(r.on(netcore.Refused))); n != 1 {
					t.Errorf("%d refused events from the tap, want 1:\n%s", n, r.dump())
				}
				r.assertNotDone("the learner's server is not running")
			})
		}
	}
}
