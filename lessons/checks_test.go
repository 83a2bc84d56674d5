package lessons_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// trial is one thing a learner (or someone else) does during a step, and
// whether it must complete the step.
type trial struct {
	name     string
	complete bool
	run      func(t *testing.T, r *rig, s lessons.Step)
}

type stepCase struct {
	action lessons.ActionKind // what enter does in the step, as the text says
	trials []trial
}

// stepCases holds, for every step of the course ("id/N", N 1-based), what a
// learner does per the lesson text. A new step without an entry fails
// TestStepChecksWithRealTraffic, so every check is exercised on real sockets.
var stepCases = map[string]stepCase{
	"tcp-accept/1": {lessons.ConnectOnly, []trial{
		{"enter connects", true, func(t *testing.T, r *rig, s lessons.Step) {
			if err := r.runAction(s.Action); err != nil {
				t.Fatalf("action: %v", err)
			}
			r.waitDone()
			if e := r.events[r.doneBy]; !serverAccepted(e) {
				t.Errorf("completed by %s, want the server's accept", netcore.TranscriptLine(e))
			}
		}},
		// A dial that fails produces client events only; nothing was accepted.
		{"refused dial", false, func(t *testing.T, r *rig, s lessons.Step) {
			env := r.env()
			env.Addr = lessons.Address{Host: "127.0.0.1", Port: deadPort(t)}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			if err := s.Action.Run(ctx, env); err == nil {
				t.Fatal("action against a dead port succeeded")
			}
			r.waitCount(1, "client refused", is(netcore.FromClient, netcore.Refused))
			r.assertNotDone("nothing was accepted")
		}},
	}},

	"tcp-accept/2": {lessons.NoAction, []trial{
		{"nc types hi", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, "hi\n")
			r.waitDone()
			if e := r.events[r.doneBy]; !serverRecv(e) || string(e.Data) != "hi\n" {
				t.Errorf("completed by %s, want the server's recv of hi\\n", netcore.TranscriptLine(e))
			}
		}},
		// The step is about being the client yourself: the app's client
		// sending bytes must not count.
		{"app's own client sends", false, func(t *testing.T, r *rig, s lessons.Step) {
			cl := netcore.NewClient(r.inbox)
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			c, err := cl.Dial(ctx, r.hostPort())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Write([]byte("hi\n")); err != nil {
				t.Fatal(err)
			}
			r.waitCount(1, "server recv", serverRecv)
			cl.Release(c)
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the bytes came from the app's own client")
		}},
		{"nc connects and types nothing", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("no bytes were sent")
		}},
	}},

	"tcp-accept/3": {lessons.NoAction, []trial{
		{"curl gets an empty reply", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			req := curlRequest(r.hostPort())
			send(t, c, req)
			r.waitFor("the whole request to arrive", func() bool { return received(r) == req })
			// The request alone is not enough: the lesson is the close.
			r.assertNotDone("the server has not closed yet")
			// curl: (52) Empty reply from server.
			if got := readAll(t, c); got != "" {
				t.Errorf("accept-only server wrote %q", got)
			}
			r.waitDone()
			e := r.events[r.doneBy]
			if !serverClosed(e) || e.Reason != netcore.ByIdle {
				t.Errorf("completed by %s, want the server's idle close", netcore.TranscriptLine(e))
			}
			// A step begun after the request was read (a fresh tracker fed
			// only the close) must not count the request it never saw.
			late := s.Check.NewTracker()
			var own lessons.OwnClients
			for _, e := range r.events {
				if serverClosed(e) {
					own.Note(e)
					if late.Feed(e, &own) {
						t.Error("a close alone completed the step")
					}
				}
			}
		}},
		// curl's request can arrive over several reads; the check must
		// look at the stream, not at one read.
		{"request split across reads", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, "GE")
			r.waitCount(1, "first piece", serverRecv)
			send(t, c, strings.TrimPrefix(curlRequest(r.hostPort()), "GE"))
			r.waitCount(2, "second piece", serverRecv)
			_ = c.Close() // curl interrupted with Ctrl+C: a close all the same
			r.waitDone()
		}},
		{"nc sends a line and quits", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, "hi\n")
			r.waitCount(1, "server recv", serverRecv)
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("hi is not an HTTP request")
		}},
	}},

	"ping-pong/1": {lessons.SendMessage, []trial{
		{"enter sends a message", true, func(t *testing.T, r *rig, s lessons.Step) {
			if err := r.runAction(s.Action); err != nil {
				t.Fatalf("action: %v", err)
			}
			r.waitDone()
			if e := r.events[r.doneBy]; !is(netcore.FromClient, netcore.Recv)(e) {
				t.Errorf("completed by %s, want the client's recv", netcore.TranscriptLine(e))
			}
		}},
		{"nc gets the reply instead", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, "ping\n")
			if got := readN(t, c, len(netcore.PongReply)); got != string(netcore.PongReply) {
				t.Errorf("nc got %q", got)
			}
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the app's client read nothing")
		}},
	}},

	"ping-pong/2": {lessons.NoAction, []trial{
		{"nc pings", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, "ping\n")
			if got := readN(t, c, len(netcore.PongReply)); got != "Hello client! 🎉" {
				t.Errorf("nc got %q", got)
			}
			r.waitDone()
			if e := r.events[r.doneBy]; !serverSent(e) {
				t.Errorf("completed by %s, want the server's reply", netcore.TranscriptLine(e))
			}
		}},
		// The previous step's enter, pressed again, must not finish this one.
		{"reply to the app's own client", false, func(t *testing.T, r *rig, s lessons.Step) {
			if err := r.runAction(lessons.SendMessage); err != nil {
				t.Fatalf("send: %v", err)
			}
			r.waitCount(1, "server reply", serverSent)
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the reply went to the app's own client")
		}},
	}},

	"http-response/1": {lessons.SendRequest, []trial{
		{"enter requests", true, func(t *testing.T, r *rig, s lessons.Step) {
			if err := r.runAction(s.Action); err != nil {
				t.Fatalf("action: %v", err)
			}
			r.waitDone()
		}},
		{"curl gets the response instead", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, curlRequest(r.hostPort()))
			wantHello(t, readAll(t, c))
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the app's client read nothing")
		}},
	}},

	"http-response/2": {lessons.NoAction, []trial{
		{"curl -v", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, curlRequest(r.hostPort()))
			wantHello(t, readAll(t, c))
			r.waitDone()
			assertNoReplyNoDone(t, r, s)
		}},
		// The server answers the first read; a User-Agent that arrives in a
		// later read still belongs to the same request.
		{"request split across reads", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			req := curlRequest(r.hostPort())
			cut := strings.Index(req, "User-Agent")
			send(t, c, req[:cut])
			r.waitCount(1, "server reply", serverSent)
			send(t, c, req[cut:])
			wantHello(t, readAll(t, c))
			_ = c.Close()
			r.waitDone()
		}},
		{"app's own request has no User-Agent", false, func(t *testing.T, r *rig, s lessons.Step) {
			if err := r.runAction(lessons.SendRequest); err != nil {
				t.Fatalf("request: %v", err)
			}
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("no User-Agent: curl/ was sent")
		}},
		{"a browser is not curl", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, browserRequest(r.hostPort()))
			wantHello(t, readAll(t, c))
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the request came from a browser")
		}},
	}},

	"http-response/3": {lessons.NoAction, []trial{
		{"browser opens the url", true, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, browserRequest(r.hostPort()))
			wantHello(t, readAll(t, c))
			r.waitDone()
			assertNoReplyNoDone(t, r, s)
		}},
		{"curl is not a browser", false, func(t *testing.T, r *rig, s lessons.Step) {
			c := dialOutside(t, r.hostPort())
			send(t, c, curlRequest(r.hostPort()))
			wantHello(t, readAll(t, c))
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("the request came from curl")
		}},
	}},
}

// TestStepChecksWithRealTraffic runs, for every step of the course, a real
// server with that step's behavior and drives it the way the lesson tells
// the learner to, feeding the events to the step's check as the tui does.
func TestStepChecksWithRealTraffic(t *testing.T) {
	c := loadEN(t)
	seen := map[string]bool{}
	for _, l := range c.Lessons {
		for i, s := range l.Steps {
			key := fmt.Sprintf("%s/%d", l.ID, i+1)
			sc, ok := stepCases[key]
			if !ok {
				t.Errorf("step %s has no real-traffic test; add it to stepCases", key)
				continue
			}
			seen[key] = true
			if s.Action != sc.action {
				t.Errorf("step %s: action %q, want %q", key, s.Action, sc.action)
			}
			positives := 0
			for _, tr := range sc.trials {
				if tr.complete {
					positives++
				}
				t.Run(key+"/"+tr.name, func(t *testing.T) {
					t.Parallel() // the idle-timeout steps then overlap
					r := newRig(t, s)
					tr.run(t, r, s)
					if tr.complete && !r.done {
						t.Errorf("step did not complete; events:\n%s", r.dump())
					}
				})
			}
			if positives == 0 {
				t.Errorf("step %s: no trial completes it", key)
			}
		}
	}
	for key := range stepCases {
		if !seen[key] {
			t.Errorf("stepCases has %s, which is not a step of the course", key)
		}
	}
}

// assertNoReplyNoDone replays the events up to the server's first write into
// a fresh tracker: the request has arrived but got no answer yet, which must
// not count as "gets the reply".
func assertNoReplyNoDone(t *testing.T, r *rig, s lessons.Step) {
	t.Helper()
	tr := s.Check.NewTracker()
	var own lessons.OwnClients
	for _, e := range r.events {
		if serverSent(e) {
			return
		}
		own.Note(e)
		if tr.Feed(e, &own) {
			t.Errorf("completed by %s, before the server replied", netcore.TranscriptLine(e))
			return
		}
	}
	t.Error("no server reply among the events")
}

// received is every byte the server has read so far.
func received(r *rig) string {
	var b bytes.Buffer
	for _, e := range r.matching(serverRecv) {
		b.Write(e.Data)
	}
	return b.String()
}

// wantHello checks a whole HTTPHello response as curl saw it.
func wantHello(t *testing.T, resp string) {
	t.Helper()
	if resp != string(netcore.HelloResponse) {
		t.Errorf("response %q, want %q", resp, netcore.HelloResponse)
	}
	if !strings.HasPrefix(resp, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(resp, "\r\n\r\nHello, world! 🎉") {
		t.Errorf("response is not the lesson's 200 with body Hello, world! 🎉: %q", resp)
	}
}

// The text tells learners when the server gives up on a silent connection;
// the bound behaviors must say the same ("after 3 seconds"), so a change to
// one without the other fails here.
func TestIdleTimeoutsMatchText(t *testing.T) {
	c := loadEN(t)
	// Steps whose text names the idle timeout (1-based).
	steps := []struct {
		id   string
		step int
	}{{"tcp-accept", 1}, {"tcp-accept", 2}, {"tcp-accept", 3}, {"ping-pong", 2}}
	for _, st := range steps {
		s := c.Lessons[c.Find(st.id)].Steps[st.step-1]
		var idle time.Duration
		switch b := s.Behavior.(type) {
		case netcore.AcceptOnly:
			idle = b.Idle
		case netcore.PingPong:
			idle = b.Idle
		case netcore.HTTPHello:
			idle = b.Idle
		default:
			t.Errorf("%s/%d: unexpected behavior %T", st.id, st.step, b)
			continue
		}
		phrase := fmt.Sprintf("%d seconds", int(idle/time.Second))
		if idle >= 2*time.Minute && idle%time.Minute == 0 {
			phrase = fmt.Sprintf("%d minutes", int(idle/time.Minute))
		}
		if !strings.Contains(s.Body, phrase) {
			t.Errorf("%s/%d: behavior idles out after %v but the text does not say %q", st.id, st.step, idle, phrase)
		}
	}
	// TestStepChecksWithRealTraffic waits for this one.
	if b, ok := c.Lessons[c.Find("tcp-accept")].Steps[2].Behavior.(netcore.AcceptOnly); !ok || b.Idle > 5*time.Second {
		t.Errorf("tcp-accept step 3 must idle out within 5s for the tests to wait for it; got %#v", b)
	}
}
