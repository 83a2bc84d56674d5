package lessons_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// stepCase is how the tests drive one step of the course.
type stepCase struct {
	// action is the Label of the step's enter action, "" for a step that
	// is done from outside the app (no action).
	action string
	// way is what the lesson text tells the learner to do: the outside
	// client (nc, curl, a browser) when the text names one, else the
	// step's enter action. It only drives traffic and returns once that
	// traffic has played out; the caller then waits for the step. It must
	// work against the step's server and, unchanged, against a tap in
	// front of it (TestStepChecksThroughTap), so it waits only on the
	// rig's own side (r.on, r.settle).
	way func(t *testing.T, r *rig, s lessons.Step)
	// trials are further cases on the step's server: other ways that must
	// complete the step, with closer checks, and ways that must not.
	trials []trial
}

// trial is one thing a learner (or someone else) does during a step, and
// whether it must complete the step.
type trial struct {
	name     string
	complete bool
	run      func(t *testing.T, r *rig, s lessons.Step)
	// behavior, or the behavior of the step named by like ("id/N"),
	// replaces the step's own; the check stays the step's.
	behavior netcore.Behavior
	like     string
}

// The words of the three lines byte-stream step 3 sends.
var threeLines = "line 1: first line\nline 2: second line\nline 3: third line\n"

// fox is byte-stream step 2's 64-byte line.
const fox = "The quick brown fox jumps over the lazy dog, then naps a while.\n"

// stepCases holds, for every step of the course ("id/N", N 1-based), what a
// learner does per the lesson text. A new step without an entry fails
// TestStepChecksWithRealTraffic, so every check is exercised on real sockets.
var stepCases = map[string]stepCase{
	// ---- tcp-accept ------------------------------------------------------

	"tcp-accept/1": {"connect", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.waitCount(1, "accept", r.on(netcore.Accepted))
	}, []trial{
		{name: "enter connects", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverAccepted(e) {
				t.Errorf("completed by %s, want the server's accept", netcore.TranscriptLine(e))
			}
		}},
		{name: "nc connects", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.dial()
			r.waitDone()
		}},
		// A dial that fails produces client events only; nothing was accepted.
		{name: "refused dial", run: func(t *testing.T, r *rig, s lessons.Step) {
			env := r.env()
			env.Addr = lessons.Address{Host: "127.0.0.1", Port: deadPort(t)}
			if _, err := s.Action.Run(t.Context(), env); err == nil {
				t.Fatal("action against a dead port succeeded")
			}
			r.waitCount(1, "client refused", is(netcore.FromClient, netcore.Refused))
			r.assertNotDone("nothing was accepted")
		}},
	}},

	"tcp-accept/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		c := r.dial()
		send(t, c, "hi\n")
		r.waitCount(1, "recv", r.on(netcore.Recv))
		_ = c.Close() // Ctrl+C
		r.settle(1)
	}, []trial{
		{name: "nc types hi", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hi\n")
			r.waitDone()
			if e := r.doneEvent(); !serverRecv(e) || string(e.Data) != "hi\n" {
				t.Errorf("completed by %s, want the server's recv of hi\\n", netcore.TranscriptLine(e))
			}
		}},
		// The step is about being the client yourself: the app's client
		// sending bytes must not count.
		{name: "app's own client sends", run: func(t *testing.T, r *rig, s lessons.Step) {
			cl := netcore.NewClient(r.inbox)
			c, err := cl.Dial(t.Context(), r.hostPort())
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
		{name: "nc connects and types nothing", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("no bytes were sent")
		}},
	}},

	"tcp-accept/3": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// curl: (52) Empty reply from server.
		if got := r.exchange(curlRequest(r.hostPort())); got != "" {
			t.Errorf("accept-only server wrote %q", got)
		}
		r.settle(1)
	}, []trial{
		{name: "curl gets an empty reply", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			req := curlRequest(r.hostPort())
			send(t, c, req)
			r.waitFor("the whole request to arrive", func() bool { return received(r) == req })
			// The request alone is not enough: the lesson is the close.
			r.assertNotDone("the server has not closed yet")
			if got := readAll(t, c); got != "" {
				t.Errorf("accept-only server wrote %q", got)
			}
			r.waitDone()
			e := r.doneEvent()
			if !serverClosed(e) || e.Reason != netcore.ByIdle || e.Idle != 3*time.Second {
				t.Errorf("completed by %s, want the server's idle close after 3s", netcore.TranscriptLine(e))
			}
			// A step begun after the request was read (a fresh tracker fed
			// only the close) must not count the request it never saw.
			late := s.Goal.NewTracker()
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
		{name: "request split across reads", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "GE")
			r.waitCount(1, "first piece", serverRecv)
			send(t, c, strings.TrimPrefix(curlRequest(r.hostPort()), "GE"))
			r.waitCount(2, "second piece", serverRecv)
			_ = c.Close() // curl interrupted with Ctrl+C: a close all the same
			r.waitDone()
		}},
		{name: "a browser gets nothing either", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange(browserRequest(r.hostPort())); got != "" {
				t.Errorf("accept-only server wrote %q", got)
			}
		}},
		{name: "nc sends a line and quits", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hi\n")
			r.waitCount(1, "server recv", serverRecv)
			_ = c.Close()
			r.waitCount(1, "server close", serverClosed)
			r.assertNotDone("hi is not an HTTP request")
		}},
	}},

	// ---- client ------------------------------------------------------------

	"client/1": {"connect", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.waitCount(1, "accept", r.on(netcore.Accepted))
	}, []trial{
		{name: "enter connects; both ends match", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			e := r.doneEvent()
			if !is(netcore.FromClient, netcore.Connected)(e) {
				t.Fatalf("completed by %s, want the client's connect", netcore.TranscriptLine(e))
			}
			// The lesson: the client's ephemeral port in "connected" is the
			// one the server's "accepted" names.
			r.waitCount(1, "accept", serverAccepted)
			a := r.matching(serverAccepted)[0]
			if e.Local.String() != a.Remote.String() || a.Local.(*net.TCPAddr).Port != r.addr.Port {
				t.Errorf("connected %v → %v but accepted %v on %v", e.Local, e.Remote, a.Remote, a.Local)
			}
		}},
		{name: "nc connects instead", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the step is about the app's client")
		}},
	}},

	"client/2": {"hangup", func(t *testing.T, r *rig, s lessons.Step) {
		// nc localhost PORT, wait for accepted, Ctrl+C.
		c := r.dial()
		r.waitCount(1, "accept", r.on(netcore.Accepted))
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter hangs up after half a second", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverClosed(e) || e.Reason != netcore.ByPeer {
				t.Errorf("completed by %s, want closed by client", netcore.TranscriptLine(e))
			}
			// "waits half a second, and closes the connection"
			r.waitCount(1, "client close", clientClosed)
			con := r.matching(is(netcore.FromClient, netcore.Connected))[0]
			if d := r.matching(clientClosed)[0].Time.Sub(con.Time); d < 500*time.Millisecond || d > 2*time.Second {
				t.Errorf("the client hung up %v after connecting, the text says half a second", d)
			}
		}},
		{name: "nc still connected", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.dial()
			r.waitCount(1, "accept", serverAccepted)
			time.Sleep(200 * time.Millisecond)
			r.assertNotDone("nobody hung up yet")
		}},
		{name: "a reset is not a FIN", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.ResetSoon)
			r.settle(1)
			r.assertNotDone("the client reset the connection")
		}},
	}},

	"client/3": {"connect", func(t *testing.T, r *rig, s lessons.Step) {
		// nc localhost PORT and wait: the server hangs up after 2 s.
		c := r.dial()
		if got := readAll(t, c); got != "" {
			t.Errorf("hang-up server wrote %q", got)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter waits for the server", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			e := r.doneEvent()
			if !serverClosed(e) || e.Reason != netcore.BySelf || e.Duration < 1900*time.Millisecond {
				t.Errorf("completed by %s, want closed by server after 2s", netcore.TranscriptLine(e))
			}
			// The app's client noticed the end-of-file and closed too.
			r.waitCount(1, "client close", clientClosed)
		}},
		{name: "nc types meanwhile", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			time.Sleep(500 * time.Millisecond)
			send(t, c, "still there?\n")
			readAll(t, c)
			r.waitDone()
			if e := r.doneEvent(); e.Reason != netcore.BySelf {
				t.Errorf("completed by %s, want closed by server", netcore.TranscriptLine(e))
			}
		}},
		{name: "nc hangs up first", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the client left first")
		}},
	}},

	"client/4": {"reset", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
	}, []trial{
		{name: "enter resets", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverClosed(e) || e.Reason != netcore.ByReset {
				t.Errorf("completed by %s, want closed by client (reset)", netcore.TranscriptLine(e))
			}
			r.waitCount(1, "client close", clientClosed)
			if e := r.matching(clientClosed)[0]; e.Reason != netcore.ByAbort {
				t.Errorf("client side: %s, want the client's own abort", netcore.TranscriptLine(e))
			}
		}},
		{name: "another program resets", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "bye?\n")
			r.waitCount(1, "recv", serverRecv)
			_ = c.(*net.TCPConn).SetLinger(0)
			_ = c.Close()
		}},
		{name: "nc closes politely", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "bye?\n")
			r.waitCount(1, "recv", serverRecv)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("a FIN is not a reset")
		}},
	}},

	// ---- ping-pong -----------------------------------------------------------

	"ping-pong/1": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
	}, []trial{
		{name: "enter sends a message", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !clientRecv(e) {
				t.Errorf("completed by %s, want the client's recv", netcore.TranscriptLine(e))
			}
		}},
		{name: "a typed message counts too", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if _, err := r.runMessage(s.Action, "hi"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "nc gets the reply instead", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "ping\n")
			if got := readN(t, c, len(behaviors.PongReply)); got != string(behaviors.PongReply) {
				t.Errorf("nc got %q", got)
			}
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the app's client read nothing")
		}},
	}},

	"ping-pong/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		c := r.dial()
		send(t, c, "ping\n")
		if got := readN(t, c, len(behaviors.PongReply)); got != "Hello client! 🎉" {
			t.Errorf("nc got %q", got)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "nc pings", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "ping\n")
			readN(t, c, len(behaviors.PongReply))
			r.waitDone()
			if e := r.doneEvent(); !serverSent(e) {
				t.Errorf("completed by %s, want the server's reply", netcore.TranscriptLine(e))
			}
		}},
		// The previous step's enter, pressed again, must not finish this one.
		{name: "reply to the app's own client", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.SendHello)
			r.waitCount(1, "server reply", serverSent)
			r.settle(1)
			r.assertNotDone("the reply went to the app's own client")
		}},
		{name: "nc connects and types nothing", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("nothing was sent, so nothing was answered")
		}},
	}},

	"ping-pong/3": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		// Press m, type 안녕 🌍, press enter.
		if _, err := r.runMessage(s.Action, "안녕 🌍"); err != nil {
			t.Fatal(err)
		}
		r.settle(1)
	}, []trial{
		{name: "a typed message", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if _, err := r.runMessage(s.Action, "café"); err != nil {
				t.Fatal(err)
			}
			r.waitDone()
			r.settle(1)
			// The text's byte counts: café is 5 bytes.
			if got := received(r); got != "café" || len(got) != 5 {
				t.Errorf("server received %q (%d bytes), want café in 5 bytes", got, len(got))
			}
		}},
		{name: "the default message", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.settle(1)
			r.assertNotDone("the learner typed nothing")
		}},
		{name: "nc sends its own text", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "안녕\n")
			readN(t, c, len(behaviors.PongReply))
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the message must come from the app's client")
		}},
	}},

	// ---- byte-stream -----------------------------------------------------------

	"byte-stream/1": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		if !r.tapped() {
			r.mustRun(s.Action)
			r.settle(1)
			return
		}
		// The same two writes, made in a way that is certain to show what a
		// tap sees: it reads each write as it comes, whatever the server
		// behind it does with them.
		c := r.dial()
		send(t, c, "Hello, ")
		r.waitCount(1, "the tap's read of the first write", r.on(netcore.Recv))
		send(t, c, "stream!\n")
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			t.Fatalf("no reply: %v", err)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter writes twice, one read", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverRecv(e) || e.Count != 15 {
				t.Errorf("completed by %s, want one 15-byte read", netcore.TranscriptLine(e))
			}
			r.settle(1)
			var sizes []int
			for _, e := range r.matching(is(netcore.FromClient, netcore.Sent)) {
				sizes = append(sizes, e.Count)
			}
			if fmt.Sprint(sizes) != "[7 8]" {
				t.Errorf("client writes %v, the text says 7 B and 8 B", sizes)
			}
			if got := string(joined(r, netcore.Recv)); got != "read 15 bytes\n" {
				t.Errorf("client got %q, want read 15 bytes\\n", got)
			}
		}},
		{name: "the second write after the server's read", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "Hello, ")
			r.waitCount(1, "the server's first read", serverRecv)
			send(t, c, "stream!\n")
			r.waitCount(2, "the server's second read", serverRecv)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the two writes took two reads")
		}},
	}},

	"byte-stream/2": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
	}, []trial{
		{name: "enter sends 64 bytes in one write", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.settle(1)
			sent := r.matching(is(netcore.FromClient, netcore.Sent))
			if len(sent) != 1 || sent[0].Count != 64 || string(sent[0].Data) != fox {
				t.Errorf("client writes: %d, want one write of the 64-byte line", len(sent))
			}
			// Eight blocks of 8 bytes at @0, @8, ... @56.
			reads := r.matching(serverRecv)
			if len(reads) != 8 {
				t.Fatalf("%d server reads, the text says eight", len(reads))
			}
			for i, e := range reads {
				if e.Count != 8 || e.Offset != int64(8*i) {
					t.Errorf("read %d: %d bytes @%d, want 8 @%d", i+1, e.Count, e.Offset, 8*i)
				}
			}
			if got := received(r); got != fox {
				t.Errorf("server got %q", got)
			}
		}},
		{name: "a short line", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hi there\n") // 9 bytes: two reads
			r.waitCount(2, "two reads", serverRecv)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("two reads are not four")
		}},
		{name: "reads spread over connections", run: func(t *testing.T, r *rig, s lessons.Step) {
			for i := 1; i <= 3; i++ {
				c := r.dial()
				send(t, c, "0123456789abcdef") // two reads each
				r.waitCount(2*i, "reads", serverRecv)
				_ = c.Close()
				r.settle(i)
			}
			r.assertNotDone("six reads, but at most two on one connection")
		}},
	}},

	"byte-stream/3": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		// nc localhost PORT, then three lines.
		c := r.dial()
		br := bufio.NewReader(c)
		var got strings.Builder
		for _, line := range []string{"first line", "second line", "third line"} {
			send(t, c, line+"\n")
			reply, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("no answer to %q: %v", line, err)
			}
			got.WriteString(reply)
		}
		if got.String() != threeLines {
			t.Errorf("nc got %q", got.String())
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter sends three odd pieces", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			r.settle(1)
			// "three answers come back": to the app's client, not only out
			// of the server.
			if got := string(joined(r, netcore.Recv)); got != threeLines {
				t.Errorf("the app's client read %q, want the three answers %q", got, threeLines)
			}
			if e := r.matching(serverClosed)[0]; e.Reason != netcore.ByPeer {
				t.Errorf("server side: %s, want closed by client", netcore.TranscriptLine(e))
			}
		}},
		{name: "two lines only", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "first line\nsecond line\n")
			readN(t, c, len("line 1: first line\nline 2: second line\n"))
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("only two lines")
		}},
		{name: "three lines on three connections", run: func(t *testing.T, r *rig, s lessons.Step) {
			for i, line := range []string{"first line", "second line", "third line"} {
				c := r.dial()
				send(t, c, line+"\n")
				if got := readN(t, c, len("line 1: ")+len(line)+1); got != "line 1: "+line+"\n" {
					t.Errorf("got %q", got)
				}
				_ = c.Close()
				r.settle(i + 1)
			}
			r.assertNotDone("each connection counts its own lines")
		}},
	}},

	// ---- http-response ---------------------------------------------------------

	"http-response/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
	}, []trial{
		{name: "enter requests", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !clientRecv(e) {
				t.Errorf("completed by %s, want the client's recv", netcore.TranscriptLine(e))
			}
			r.settle(1)
			wantHello(t, string(joined(r, netcore.Recv)))
		}},
		{name: "curl gets the response instead", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(curlRequest(r.hostPort())))
			r.settle(1)
			r.assertNotDone("the app's client read nothing")
		}},
	}},

	"http-response/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		wantHello(t, r.exchange(curlRequest(r.hostPort())))
		r.settle(1)
	}, []trial{
		{name: "curl -v", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(curlRequest(r.hostPort())))
			r.waitDone()
			assertNoReplyNoDone(t, r, s)
		}},
		// The server answers the first read; a User-Agent that arrives in a
		// later read still belongs to the same request.
		{name: "request split across reads", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			req := curlRequest(r.hostPort())
			cut := strings.Index(req, "User-Agent")
			send(t, c, req[:cut])
			r.waitCount(1, "server reply", serverSent)
			send(t, c, req[cut:])
			wantHello(t, readAll(t, c))
			_ = c.Close()
		}},
		{name: "app's own request has no User-Agent", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.Get("/"))
			r.settle(1)
			r.assertNotDone("no User-Agent: curl/ was sent")
		}},
		{name: "a browser is not curl", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(browserRequest(r.hostPort())))
			r.settle(1)
			r.assertNotDone("the request came from a browser")
		}},
	}},

	"http-response/3": {"", func(t *testing.T, r *rig, s lessons.Step) {
		wantHello(t, r.exchange(browserRequest(r.hostPort())))
		r.settle(1)
	}, []trial{
		{name: "Firefox opens the url", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(browserRequest(r.hostPort())))
			r.waitDone()
			assertNoReplyNoDone(t, r, s)
		}},
		{name: "Chromium opens the url", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(chromeRequest(r.hostPort())))
		}},
		{name: "curl is not a browser", run: func(t *testing.T, r *rig, s lessons.Step) {
			wantHello(t, r.exchange(curlRequest(r.hostPort())))
			r.settle(1)
			r.assertNotDone("the request came from curl")
		}},
	}},

	// ---- content-length --------------------------------------------------------

	"content-length/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL: it reads exactly 15 bytes of body.
		p := parseResponse(t, r.exchange(curlRequest(r.hostPort())), "GET")
		if p.status != 200 || p.header.Get("Content-Length") != "15" || p.body != "안녕, 세상!" {
			t.Errorf("curl got %d, Content-Length %q, body %q; the text says 200, 15, 안녕, 세상!", p.status, p.header.Get("Content-Length"), p.body)
		}
		r.settle(1)
	}, []trial{
		{name: "enter requests", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			r.settle(1)
			if got := joined(r, netcore.Recv); !bytes.HasSuffix(got, []byte("\r\n\r\n\xec\x95\x88\xeb\x85\x95, \xec\x84\xb8\xec\x83\x81!")) {
				t.Errorf("the app's client read %q; the text shows the body's bytes ec 95 88 eb 85 95 ...", got)
			}
		}},
		{name: "a browser", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			p := parseResponse(t, r.exchange(browserRequest(r.hostPort())), "GET")
			if p.body != "안녕, 세상!" || !strings.Contains(p.header.Get("Content-Type"), "charset=utf-8") {
				t.Errorf("browser got %q, Content-Type %q", p.body, p.header.Get("Content-Type"))
			}
		}},
		{name: "nc types hi", run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange("hi\n"); !strings.HasPrefix(got, "HTTP/1.1 400 ") {
				t.Errorf("got %q, want a 400", got)
			}
			r.settle(1)
			r.assertNotDone("a 400 is not an answer to a request")
		}},
	}},

	"content-length/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		raw := r.exchange(curlRequest(r.hostPort()))
		// curl believes Content-Length: 13 and prints Hello, world!; all 18
		// bytes did arrive.
		p := parseResponse(t, raw, "GET")
		if p.body != "Hello, world!" || !strings.HasSuffix(raw, "\r\n\r\nHello, world! 🎉") {
			t.Errorf("curl's body %q of %q", p.body, raw)
		}
		r.settle(1)
	}, []trial{
		{name: "a browser is not curl", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(browserRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("the request came from a browser")
		}},
		{name: "the app's own request", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.Get("/"))
			r.settle(1)
			r.assertNotDone("the app's client is not curl")
		}},
	}},

	"content-length/3": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL waits for 12 more bytes until the server gives up:
		// curl: (18) transfer closed with 12 bytes remaining to read.
		raw := r.exchange(curlRequest(r.hostPort()))
		head, body, _ := strings.Cut(raw, "\r\n\r\n")
		if !strings.Contains(head, "\r\nContent-Length: 30") || body != behaviors.HelloBody {
			t.Errorf("curl got %q, want Content-Length: 30 and the 18-byte body", raw)
		}
		r.settle(1)
	}, []trial{
		{name: "curl waits for the close", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, curlRequest(r.hostPort()))
			// Head and the 18 bytes: curl has them all and waits for 12 more.
			readN(t, c, len(r.waitResponse(t)))
			time.Sleep(200 * time.Millisecond)
			r.assertNotDone("the response is in but the server has not closed")
			readAll(t, c)
			r.waitDone()
			e := r.doneEvent()
			if !serverClosed(e) || e.Reason != netcore.ByIdle || e.Idle != 5*time.Second {
				t.Errorf("completed by %s, want closed by server (idle 5s)", netcore.TranscriptLine(e))
			}
		}},
		{name: "a browser is not curl", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, browserRequest(r.hostPort()))
			readN(t, c, len(r.waitResponse(t)))
			_ = c.Close() // the learner closes the tab
			r.settle(1)
			r.assertNotDone("the request came from a browser")
		}},
	}},

	"content-length/4": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -s URL | od -An -tx1: the 13 bytes end in ec 83, two of
		// 상's three; the whole 15-byte body was sent, with no charset.
		raw := r.exchange(curlRequest(r.hostPort()))
		p := parseResponse(t, raw, "GET")
		if p.body != "안녕, 세상!"[:13] || !strings.HasSuffix(p.body, "\xec\x83") || !strings.HasSuffix(raw, "\r\n\r\n안녕, 세상!") {
			t.Errorf("curl's body %q of %q", p.body, raw)
		}
		if ct := p.header.Get("Content-Type"); ct != "text/plain" {
			t.Errorf("Content-Type %q, want text/plain with no charset", ct)
		}
		r.settle(1)
	}, []trial{
		{name: "a browser is not curl", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(browserRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("the request came from a browser")
		}},
		{name: "the app's own request", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.Get("/"))
			r.settle(1)
			r.assertNotDone("the app's client is not curl")
		}},
	}},

	// ---- http-request ----------------------------------------------------------

	"http-request/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v 'URL/hello?lang=en'
		p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/hello?lang=en", "")), "GET")
		for _, want := range []string{
			"You sent a GET request for /hello?lang=en using HTTP/1.1.",
			"Headers (3):", "  User-Agent: curl/8.5.0\n", "  Accept: */*\n", "Body: 0 bytes",
		} {
			if p.status != 200 || !strings.Contains(p.body, want) {
				t.Errorf("echo page (%d) lacks %q:\n%s", p.status, want, p.body)
			}
		}
		r.settle(1)
	}, []trial{
		{name: "enter sends a GET", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
		}},
		{name: "a POST is not a GET", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "POST", "/form", "name=tubes&lesson=7"))
			r.settle(1)
			r.assertNotDone("the method was POST")
		}},
		{name: "a GET with bare LF line ends", run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange("GET / HTTP/1.1\nHost: x\n\n"); !strings.HasPrefix(got, "HTTP/1.1 400 ") {
				t.Errorf("got %q, want a 400", got)
			}
			r.settle(1)
			r.assertNotDone("the request was refused")
		}},
	}},

	"http-request/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		p := parseResponse(t, r.exchange(browserRequest(r.hostPort())), "GET")
		for _, want := range []string{
			"Headers (11):",
			"  User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\n",
			"  Accept-Language: en-US,en;q=0.5\n", "  Sec-Fetch-Mode: navigate\n",
		} {
			if p.status != 200 || !strings.Contains(p.body, want) {
				t.Errorf("echo page (%d) lacks %q:\n%s", p.status, want, p.body)
			}
		}
		r.settle(1)
	}, []trial{
		{name: "Chromium", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			p := parseResponse(t, r.exchange(chromeRequest(r.hostPort())), "GET")
			if !strings.Contains(p.body, `  sec-ch-ua-platform: "Linux"`) {
				t.Errorf("echo page lacks the client hints:\n%s", p.body)
			}
		}},
		{name: "curl is not a browser", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("the request came from curl")
		}},
		{name: "a browser's spare connection", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			r.waitCount(1, "accept", serverAccepted)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("nothing was asked")
		}},
	}},

	"http-request/3": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v -X POST -d 'name=tubes&lesson=7' URL/form
		req := curlReq(r.hostPort(), "POST", "/form", "name=tubes&lesson=7")
		if !strings.Contains(req, "\r\nContent-Length: 19\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nname=tubes&lesson=7") {
			t.Fatalf("not the request the text shows: %q", req)
		}
		p := parseResponse(t, r.exchange(req), "POST")
		if p.status != 200 || !strings.Contains(p.body, "You sent a POST request for /form") || !strings.Contains(p.body, "Body: 19 bytes\nname=tubes&lesson=7\n") {
			t.Errorf("echo page (%d):\n%s", p.status, p.body)
		}
		r.settle(1)
	}, []trial{
		{name: "enter posts", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
		}},
		{name: "the body comes later", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			req := curlReq(r.hostPort(), "POST", "/form", "name=tubes&lesson=7")
			cut := strings.Index(req, "\r\n\r\n") + 4
			c := r.dial()
			send(t, c, req[:cut])
			r.waitCount(1, "the header", serverRecv)
			time.Sleep(100 * time.Millisecond)
			r.assertNotDone("the body has not arrived")
			send(t, c, req[cut:])
			readAll(t, c)
		}},
		{name: "a GET has no body", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("no body")
		}},
		{name: "an empty -d", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "POST", "/form", "", "Content-Length: 0", "Content-Type: application/x-www-form-urlencoded"))
			r.settle(1)
			r.assertNotDone("Content-Length: 0")
		}},
	}},

	"http-request/4": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// nc: Enter sends a bare LF; then nc -C; then HTTP/2.0.
		refusedFor(t, r, "GET / HTTP/1.1\n", 400, "bare LF")
		if got := typeByHand(t, r, "GET / HTTP/1.1\r\n", "Host: localhost\r\n", "\r\n"); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") {
			t.Errorf("a request typed with CRLF got %q", got)
		}
		refusedFor(t, r, "GET / HTTP/2.0\r\n", 505, "not HTTP/2.0")
		r.settle(3)
	}, []trial{
		{name: "no Host, Host :, a 9 KB header, then served by hand", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			refusedFor(t, r, "GET / HTTP/1.1\r\n\r\n", 400, "needs a Host header")
			refusedFor(t, r, "GET / HTTP/1.1\r\nHost : x\r\n", 400, "between the header name \"Host\" and its colon")
			// printf 'GET / HTTP/1.1\r\nBig: %9000s\r\n\r\n' | nc localhost PORT
			refusedFor(t, r, "GET / HTTP/1.1\r\nBig: "+strings.Repeat(" ", 9000)+"\r\n\r\n", 431, "longer than 8192 bytes")
			r.assertNotDone("nothing was served yet")
			typeByHand(t, r, "GET /hi HTTP/1.1\r\n", "Host: x\r\n", "\r\n")
			r.waitDone()
		}},
		{name: "only one kind of refusal", run: func(t *testing.T, r *rig, s lessons.Step) {
			refusedFor(t, r, "GET / HTTP/1.1\n", 400, "bare LF")
			refusedFor(t, r, "GET / HTTP/1.1\r\n\r\n", 400, "Host")
			refusedFor(t, r, "GET / HTTP/1.1\r\nHost : x\r\n", 400, "colon")
			typeByHand(t, r, "GET / HTTP/1.1\r\n", "Host: x\r\n", "\r\n")
			r.settle(4)
			r.assertNotDone("all three refusals were 400s")
		}},
		{name: "refusals, and curl served", run: func(t *testing.T, r *rig, s lessons.Step) {
			refusedFor(t, r, "GET / HTTP/1.1\n", 400, "bare LF")
			refusedFor(t, r, "GET / HTTP/2.0\r\n", 505, "HTTP/2.0")
			r.exchange(curlRequest(r.hostPort()))
			r.settle(3)
			r.assertNotDone("curl's request was not typed by hand")
		}},
		{name: "the app's own client is not a hand", run: func(t *testing.T, r *rig, s lessons.Step) {
			refusedFor(t, r, "GET / HTTP/1.1\n", 400, "bare LF")
			refusedFor(t, r, "GET / HTTP/2.0\r\n", 505, "HTTP/2.0")
			r.mustRun(lessons.Get("/"))
			r.settle(3)
			r.assertNotDone("the request came from the app")
		}},
	}},

	// ---- routing ---------------------------------------------------------------

	"routing/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL, then curl -v URL/time
		p := parseResponse(t, r.exchange(curlRequest(r.hostPort())), "GET")
		if p.status != 200 || !strings.HasPrefix(p.body, "Welcome to the router!") {
			t.Errorf("GET / got %d %q", p.status, p.body)
		}
		p = parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/time", "")), "GET")
		at, err := time.Parse(time.RFC3339, strings.TrimSuffix(p.body, "\n"))
		if p.status != 200 || err != nil || time.Since(at).Abs() > time.Minute || !strings.HasSuffix(p.body, "Z\n") {
			t.Errorf("GET /time got %d %q, want the time now in RFC 3339, UTC", p.status, p.body)
		}
		r.settle(2)
	}, []trial{
		{name: "enter asks for both", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if n := len(r.matching(serverAccepted)); n != 2 {
				t.Errorf("%d connections, want one for / and one for /time", n)
			}
		}},
		{name: "a query string keeps the path", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "GET", "/?lang=en", ""))
			r.exchange(curlReq(r.hostPort(), "GET", "/time?zone=utc", ""))
		}},
		{name: "only GET /", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlRequest(r.hostPort()))
			r.exchange(curlRequest(r.hostPort()))
			r.settle(2)
			r.assertNotDone("/time was not asked for")
		}},
		{name: "only GET /time", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "GET", "/time", ""))
			r.settle(1)
			r.assertNotDone("/ was not asked for")
		}},
		{name: "HEAD is not GET", run: func(t *testing.T, r *rig, s lessons.Step) {
			for _, target := range []string{"/", "/time"} {
				p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "HEAD", target, "")), "HEAD")
				if p.status != 200 || p.body != "" {
					t.Errorf("HEAD %s got %d with body %q", target, p.status, p.body)
				}
			}
			r.settle(2)
			r.assertNotDone("the method was HEAD")
		}},
	}},

	"routing/2": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v -d 'ping' URL/echo
		p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "POST", "/echo", "ping")), "POST")
		if p.status != 200 || p.body != "ping" || p.header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("POST /echo got %d %q (%s)", p.status, p.body, p.header.Get("Content-Type"))
		}
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "another body", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "POST", "/echo", "hello router")), "POST"); p.body != "hello router" {
				t.Errorf("echo got %q", p.body)
			}
		}},
		{name: "GET /echo is not allowed", run: func(t *testing.T, r *rig, s lessons.Step) {
			p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/echo", "")), "GET")
			if p.status != 405 || p.header.Get("Allow") != "POST" {
				t.Errorf("GET /echo got %d, Allow %q", p.status, p.header.Get("Allow"))
			}
			r.settle(1)
			r.assertNotDone("the method was GET")
		}},
		{name: "POST elsewhere", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "POST", "/echoes", "ping"))
			r.settle(1)
			r.assertNotDone("the path was /echoes")
		}},
	}},

	"routing/3": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL/nope, then curl -v -X DELETE URL/time
		p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/nope", "")), "GET")
		// The lesson's promise: a 404 whose body names the missing route.
		if p.status != 404 || !strings.Contains(p.body, "no route for GET") || !strings.Contains(p.body, "/nope") {
			t.Errorf("GET /nope got %d %q", p.status, p.body)
		}
		p = parseResponse(t, r.exchange(curlReq(r.hostPort(), "DELETE", "/time", "")), "DELETE")
		if p.status != 405 || p.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("DELETE /time got %d, Allow %q", p.status, p.header.Get("Allow"))
		}
		r.settle(2)
	}, []trial{
		{name: "enter makes both mistakes", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) { r.mustRun(s.Action) }},
		{name: "a browser opens /nope, curl GETs /echo", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(firefoxGet(r.hostPort(), "/nope"))
			p := parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/echo", "")), "GET")
			if p.status != 405 || p.header.Get("Allow") != "POST" {
				t.Errorf("GET /echo got %d, Allow %q", p.status, p.header.Get("Allow"))
			}
		}},
		{name: "only the 404", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "GET", "/nope", ""))
			r.exchange(curlReq(r.hostPort(), "DELETE", "/nope", "")) // a 404 too, not a 405
			r.settle(2)
			r.assertNotDone("no 405 yet")
		}},
		{name: "only the 405", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "DELETE", "/time", ""))
			r.exchange(curlReq(r.hostPort(), "HEAD", "/time", "")) // allowed: a 200
			r.settle(2)
			r.assertNotDone("no 404 yet")
		}},
		// A browser left open asks for /favicon.ico by itself: that 404
		// is not the learner's.
		{name: "a browser's own favicon request and a 405", run: func(t *testing.T, r *rig, s lessons.Step) {
			if p := parseResponse(t, r.exchange(faviconRequest(r.hostPort())), "GET"); p.status != 404 {
				t.Errorf("favicon got %d", p.status)
			}
			r.exchange(curlReq(r.hostPort(), "DELETE", "/time", ""))
			r.settle(2)
			r.assertNotDone("the 404 was for /favicon.ico, which nobody typed")
		}},
	}},

	// ---- concurrency -----------------------------------------------------------

	"concurrency/1": {"five", func(t *testing.T, r *rig, s lessons.Step) {
		// for i in 1 2 3 4 5; do curl -s URL & done; wait
		for i, resp := range r.crowd(5, func(int) string { return curlRequest(r.hostPort()) }) {
			if !strings.HasPrefix(resp, "HTTP/1.1 200 OK\r\n") || !strings.Contains(resp, "Hello after a 1s wait!") {
				t.Errorf("curl %d got %q", i+1, resp)
			}
		}
		r.settle(5)
	}, []trial{
		{name: "enter: five at once, one per second", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			note := r.mustRun(s.Action)
			if d := noteDuration(t, note, "5 responses in "); d < 4500*time.Millisecond {
				t.Errorf("note %q: five one-second requests one at a time took less than 4.5s", note)
			}
			r.waitDone()
			// The client's five connects come at once; the server's accepts
			// one per second.
			acc := r.matching(serverAccepted)
			for i := 1; i < len(acc); i++ {
				if gap := acc[i].Time.Sub(acc[i-1].Time); gap < 900*time.Millisecond {
					t.Errorf("accept %d came %v after the one before, want about 1s", i+1, gap)
				}
			}
			con := r.matching(is(netcore.FromClient, netcore.Connected))
			if len(con) != 5 || len(acc) != 5 || con[4].Time.After(acc[1].Time) {
				t.Errorf("%d client connects, want all five before the second accept:\n%s", len(con), r.dump())
			}
		}},
		{name: "one answer short", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.crowd(5, func(i int) string {
				if i == 0 {
					return "hi\n" // refused with a 400
				}
				return curlRequest(r.hostPort())
			})
			r.settle(5)
			r.assertNotDone("only four 200 responses")
		}},
	}},

	"concurrency/2": {"five", func(t *testing.T, r *rig, s lessons.Step) {
		r.crowd(5, func(int) string { return curlRequest(r.hostPort()) })
		r.settle(5)
	}, []trial{
		{name: "enter: five at once, all together", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			note := r.mustRun(s.Action)
			// About 1 s; well under the 5 s of one at a time in any case.
			if d := noteDuration(t, note, "5 responses in "); d > 4*time.Second {
				t.Errorf("note %q: five requests side by side took about as long as one at a time", note)
			}
		}},
		// The previous step's server, with this step's check: what the
		// learner sees if the server did not change.
		{name: "one at a time is too slow", like: "concurrency/1", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.crowd(5, func(int) string { return curlRequest(r.hostPort()) })
			r.settle(5)
			r.assertNotDone("the answers came over five seconds")
		}},
		{name: "five curls half a second apart", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.crowd(5, func(i int) string {
				time.Sleep(time.Duration(i) * 500 * time.Millisecond)
				return curlRequest(r.hostPort())
			})
			r.settle(5)
			r.assertNotDone("the answers came over two seconds")
		}},
	}},

	// ---- keep-alive ------------------------------------------------------------

	"keep-alive/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL URL: the second request re-uses the connection.
		c := r.dial()
		br := bufio.NewReader(c)
		var bodies []string
		for range 2 {
			send(t, c, curlRequest(r.hostPort()))
			bodies = append(bodies, readResponse(t, br, "GET").body)
		}
		n := connNumber(t, bodies[0], 1)
		if connNumber(t, bodies[1], 2) != n {
			t.Errorf("bodies %q: not one connection", bodies)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter: two on one connection", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if n := len(r.matching(serverAccepted)); n != 1 {
				t.Errorf("%d accepts, want one", n)
			}
		}},
		{name: "two requests in one write", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, curlRequest(r.hostPort())+curlReq(r.hostPort(), "GET", "/", "", "Connection: close"))
			br := bufio.NewReader(c)
			connNumber(t, readResponse(t, br, "GET").body, 1)
			connNumber(t, readResponse(t, br, "GET").body, 2)
		}},
		{name: "curl -H 'Connection: close' URL URL", run: func(t *testing.T, r *rig, s lessons.Step) {
			for range 2 {
				connNumber(t, parseResponse(t, r.exchange(curlReq(r.hostPort(), "GET", "/", "", "Connection: close")), "GET").body, 1)
			}
			r.settle(2)
			r.assertNotDone("two connections, one request each")
		}},
	}},

	"keep-alive/2": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// Open the page, then reload it.
		c := r.dial()
		br := bufio.NewReader(c)
		send(t, c, browserRequest(r.hostPort()))
		connNumber(t, readResponse(t, br, "GET").body, 1)
		send(t, c, firefoxReload(r.hostPort()))
		connNumber(t, readResponse(t, br, "GET").body, 2)
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "Chromium and its favicon", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			br := bufio.NewReader(c)
			send(t, c, chromeRequest(r.hostPort()))
			readResponse(t, br, "GET")
			send(t, c, faviconRequest(r.hostPort()))
			readResponse(t, br, "GET")
		}},
		{name: "curl URL URL", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			br := bufio.NewReader(c)
			for range 2 {
				send(t, c, curlRequest(r.hostPort()))
				readResponse(t, br, "GET")
			}
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the requests came from curl")
		}},
		// Reloading after the server closed the idle connection: a new
		// connection each time, and a spare one that sends nothing.
		{name: "a new connection for each load", run: func(t *testing.T, r *rig, s lessons.Step) {
			spare := r.dial()
			for i := range 2 {
				c := r.dial()
				send(t, c, browserRequest(r.hostPort()))
				readResponse(t, bufio.NewReader(c), "GET")
				_ = c.Close()
				r.waitCount(i+1, "close", serverClosed)
			}
			_ = spare.Close()
			r.settle(3)
			r.assertNotDone("no connection carried two requests")
		}},
	}},

	"keep-alive/3": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v -H 'Connection: close' URL URL
		for range 2 {
			raw := r.exchange(curlReq(r.hostPort(), "GET", "/", "", "Connection: close"))
			connNumber(t, parseResponse(t, raw, "GET").body, 1)
			if head, _, _ := strings.Cut(raw, "\r\n\r\n"); !strings.Contains(head, "\r\nConnection: close") {
				t.Errorf("the server did not say Connection: close: %q", head)
			}
		}
		r.settle(2)
	}, []trial{
		{name: "enter asks to close", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverClosed(e) || e.Reason != netcore.BySelf {
				t.Errorf("completed by %s, want closed by server", netcore.TranscriptLine(e))
			}
		}},
		{name: "curl does not ask, then quits", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, curlRequest(r.hostPort()))
			readResponse(t, bufio.NewReader(c), "GET")
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the request did not ask to close")
		}},
	}},

	"keep-alive/4": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL: no length, so curl reads until the server closes.
		raw := r.exchange(curlRequest(r.hostPort()))
		head, body, _ := strings.Cut(raw, "\r\n\r\n")
		if strings.Contains(strings.ToLower(head), "content-length") || !strings.HasPrefix(head, "HTTP/1.1 200 OK") {
			t.Errorf("head %q, want a 200 without Content-Length", head)
		}
		connNumber(t, body, 1)
		r.settle(1)
	}, []trial{
		{name: "curl waits for the close", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, curlRequest(r.hostPort()))
			br := bufio.NewReader(c)
			for line := ""; line != "\r\n"; {
				var err error
				if line, err = br.ReadString('\n'); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := br.ReadString('\n'); err != nil { // the one-line body
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond)
			r.assertNotDone("the response is in but the connection is open")
			readAll(t, c)
			r.waitDone()
			if e := r.doneEvent(); !serverClosed(e) || e.Reason != netcore.ByIdle || e.Idle != 5*time.Second {
				t.Errorf("completed by %s, want closed by server (idle 5s)", netcore.TranscriptLine(e))
			}
		}},
		// "Press enter to see the same with the app's client": the client
		// does not ask to close, so only the server's idle close ends it.
		{name: "enter waits for the idle close", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			start := time.Now()
			r.mustRun(s.Action)
			took := time.Since(start)
			r.waitDone()
			for _, e := range r.matching(is(netcore.FromClient, netcore.Sent)) {
				if strings.Contains(strings.ToLower(string(e.Data)), "connection: close") {
					t.Errorf("the app's client asked to close: %q", e.Data)
				}
			}
			closes := r.matching(is(netcore.FromClient, netcore.Closed))
			if len(closes) != 1 || closes[0].Reason != netcore.ByPeer || closes[0].Duration < 4500*time.Millisecond {
				t.Errorf("want one client connection closed by the server after about 5s:\n%s", r.dump())
			}
			if took < 4500*time.Millisecond || took > 8*time.Second {
				t.Errorf("the action took %v, want it to end with the server's idle close at 5s", took)
			}
		}},
		{name: "with a length it is not this step", behavior: behaviors.KeepAlive{Idle: 5 * time.Second}, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "GET", "/", "", "Connection: close"))
			r.settle(1)
			r.assertNotDone("the response had a Content-Length")
		}},
	}},

	// ---- timeouts ----------------------------------------------------------------

	"timeouts/1": {"connect", func(t *testing.T, r *rig, s lessons.Step) {
		// nc localhost PORT, and type nothing.
		if got := r.exchange(""); got != "" {
			t.Errorf("got %q", got)
		}
		r.settle(1)
	}, []trial{
		{name: "enter connects and waits", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); e.Reason != netcore.ByIdle || e.Idle != 5*time.Second {
				t.Errorf("completed by %s, want closed by server (idle 5s)", netcore.TranscriptLine(e))
			}
		}},
		{name: "nc types a line and quits", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hi\n")
			r.waitCount(1, "recv", serverRecv)
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the client left")
		}},
		{name: "nc types a line every 2 s and the connection lives", run: func(t *testing.T, r *rig, s lessons.Step) {
			// What the text asks: typing resets the idle clock, so the
			// connection outlives 5 s; the server reads and never answers.
			c := r.dial()
			for i := 0; i < 4; i++ {
				send(t, c, "still here\n")
				time.Sleep(2 * time.Second)
			}
			_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if n, err := c.Read(make([]byte, 1)); n > 0 || !isTimeout(err) {
				t.Fatalf("after 8 s of typing, the server answered or closed: %d bytes, %v", n, err)
			}
			r.assertNotDone("the client kept typing")
			_ = c.Close()
		}},
	}},

	"timeouts/2": {"trickle", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
	}, []trial{
		{name: "enter trickles", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			note := r.mustRun(s.Action)
			if d := noteDuration(t, note, "the server closed after "); d < 2900*time.Millisecond || d > 6*time.Second {
				t.Errorf("note %q, want the server closed after about 3s", note)
			}
			r.waitDone()
			if e := r.doneEvent(); e.Reason != netcore.ByHeaderTimeout || e.Idle != 3*time.Second {
				t.Errorf("completed by %s, want closed by server (header timeout 3s)", netcore.TranscriptLine(e))
			}
			// "GET / HTTP/1.1\r\n" and then a byte every 0.7 seconds.
			reads := r.matching(serverRecv)
			if len(reads) < 3 || !strings.HasPrefix(string(reads[0].Data), "GET / HTTP/1.1\r\n") {
				t.Fatalf("server reads:\n%s", r.dump())
			}
			// A stream: under load two 1-byte writes may arrive as one read.
			for i, e := range reads[1:] {
				if e.Count < 1 || e.Count > 2 {
					t.Errorf("read %d: %d bytes, want 1 (or 2 merged)", i+2, e.Count)
				}
			}
			last := len(reads) - 1
			if gap := reads[last].Time.Sub(reads[1].Time) / time.Duration(last-1); gap < 550*time.Millisecond || gap > 1000*time.Millisecond {
				t.Errorf("one byte every %v, the text says every 0.7 seconds", gap)
			}
		}},
		{name: "curl sends its header promptly", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("the header came in time")
		}},
		{name: "a header in three slow pieces, in time", run: func(t *testing.T, r *rig, s lessons.Step) {
			req := curlRequest(r.hostPort())
			c := r.dial()
			for i := range 3 {
				send(t, c, req[i*len(req)/3:(i+1)*len(req)/3])
				time.Sleep(600 * time.Millisecond)
			}
			if got := readAll(t, c); !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
				t.Errorf("got %q", got)
			}
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the whole header came within 3 seconds")
		}},
	}},

	"timeouts/3": {"connect", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(5)
	}, []trial{
		{name: "enter opens five", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			r.settle(5)
			refused := r.matching(serverRefused)
			if len(r.matching(serverAccepted)) != 3 || len(refused) != 2 {
				t.Fatalf("want three accepted and two refused:\n%s", r.dump())
			}
			for _, e := range refused {
				if e.Reason != netcore.ByLimit || e.Text != "connection limit (3 open)" {
					t.Errorf("refusal %s", netcore.TranscriptLine(e))
				}
			}
		}},
		{name: "three connections, at the limit", run: func(t *testing.T, r *rig, s lessons.Step) {
			var conns []net.Conn
			for range 3 {
				conns = append(conns, r.dial())
			}
			r.waitCount(3, "accepts", serverAccepted)
			time.Sleep(100 * time.Millisecond)
			for _, c := range conns {
				_ = c.Close()
			}
			r.settle(3)
			r.assertNotDone("three is the limit, not over it")
		}},
	}},

	"timeouts/4": {"attack", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(30)
	}, []trial{
		{name: "enter: the slowloris demo", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			note := r.mustRun(s.Action)
			if note != "30 of 30 slow connections were cut or refused" {
				t.Errorf("note %q", note)
			}
			r.waitDone()
			r.settle(30)
			// "10 are refused at once, because 20 slots are full. After 3
			// seconds the header timeout cuts the others."
			cut := 0
			for _, e := range r.matching(serverClosed) {
				if e.Reason == netcore.ByHeaderTimeout && e.Idle == 3*time.Second {
					cut++
				}
			}
			accepted, refused := len(r.matching(serverAccepted)), len(r.matching(serverRefused))
			if accepted+refused != 30 || cut != accepted {
				t.Errorf("%d accepted, %d refused, %d cut by the header timeout: want 30 in all, every accepted one cut:\n%s", accepted, refused, cut, r.dump())
			}
			// Unless starting the 30 took so long that the first were cut
			// already, 20 fill the slots and 10 are turned away.
			con := r.matching(is(netcore.FromClient, netcore.Connected))
			if len(con) == 30 && con[29].Time.Sub(con[0].Time) < 2*time.Second && (accepted != 20 || refused != 10) {
				t.Errorf("%d accepted and %d refused, the text says 20 and 10", accepted, refused)
			}
		}},
		{name: "four slow clients", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.Slowloris(4, 500*time.Millisecond, 8*time.Second))
			r.settle(4)
			r.assertNotDone("four cut, five needed")
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
			if s.Action.Label != sc.action || s.Action.None() != (sc.action == "") && !s.YourTurn() {
				t.Errorf("step %s: action %q (none: %v), want %q", key, s.Action.Label, s.Action.None(), sc.action)
			}
			if sc.way == nil {
				t.Errorf("step %s: no way", key)
				continue
			}
			t.Run(key+"/the lesson's way", func(t *testing.T) {
				t.Parallel()
				r := newRig(t, s)
				sc.way(t, r, s)
				if s.YourTurn() { // a passing check marks it, not traffic
					time.Sleep(100 * time.Millisecond)
					r.assertNotDone("no traffic completes a Your-turn step")
					return
				}
				r.waitDone()
			})
			for _, tr := range sc.trials {
				t.Run(key+"/"+tr.name, func(t *testing.T) {
					t.Parallel()
					b := s.Behavior
					if tr.behavior != nil {
						b = tr.behavior
					}
					if tr.like != "" {
						b = stepOf(t, c, tr.like).Behavior
					}
					r := newServerRig(t, b, s.Goal)
					tr.run(t, r, s)
					if tr.complete {
						r.waitDone()
					} else if r.pump(); r.done && !t.Failed() {
						t.Errorf("step completed but should not; events:\n%s", r.dump())
					}
				})
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
	tr := s.Goal.NewTracker()
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

// received is every byte the server side has read so far.
func received(r *rig) string {
	var b bytes.Buffer
	for _, e := range r.matching(r.on(netcore.Recv)) {
		b.Write(e.Data)
	}
	return b.String()
}

// joined is every byte of one kind from the app's client side, in order.
func joined(r *rig, k netcore.Kind) []byte {
	var b bytes.Buffer
	for _, e := range r.matching(is(netcore.FromClient, k)) {
		b.Write(e.Data)
	}
	return b.Bytes()
}

// waitResponse waits for the server side's first write and returns it.
func (r *rig) waitResponse(t *testing.T) []byte {
	t.Helper()
	r.waitCount(1, "the response", r.on(netcore.Sent))
	return r.matching(r.on(netcore.Sent))[0].Data
}

// wantHello checks a whole HTTPHello response as curl saw it.
func wantHello(t *testing.T, resp string) {
	t.Helper()
	if resp != string(behaviors.HelloResponse) {
		t.Errorf("response %q, want %q", resp, behaviors.HelloResponse)
	}
	if !strings.HasPrefix(resp, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(resp, "\r\n\r\nHello, world! 🎉") {
		t.Errorf("response is not the lesson's 200 with body Hello, world! 🎉: %q", resp)
	}
}

// connNumber checks a keep-alive body is response #n and returns the
// connection number it names.
func connNumber(t *testing.T, body string, n int) int {
	t.Helper()
	var resp, conn int
	if _, err := fmt.Sscanf(body, "Hello! This is response #%d on connection #%d.\n", &resp, &conn); err != nil || resp != n {
		t.Errorf("body %q, want response #%d", body, n)
	}
	return conn
}

// noteDuration reads the duration from an action's note like "5 responses
// in 1.01s".
func noteDuration(t *testing.T, note, prefix string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(strings.TrimPrefix(note, prefix))
	if err != nil || !strings.HasPrefix(note, prefix) {
		t.Fatalf("note %q, want %q and a duration", note, prefix)
	}
	return d
}

// refusedFor sends req on a connection of its own and checks the server
// refuses it with status, the parser's reason (holding why) in the body
// and in a note among the events, as the events pane shows it. Behind a
// tap (an example program) only the status and a reason of its own count.
func refusedFor(t *testing.T, r *rig, req string, status int, why string) {
	t.Helper()
	p := parseResponse(t, r.exchange(req), "GET")
	if r.tapped() {
		if p.status != status || strings.TrimSpace(p.body) == "" {
			t.Errorf("%q got %d %q, want %d and a reason", req, p.status, p.body, status)
		}
		return // the note is the built-in server's own
	}
	if p.status != status || !strings.Contains(p.body, why) {
		t.Errorf("%q got %d %q, want %d and a reason with %q", req, p.status, p.body, status, why)
	}
	r.waitFor("a note with the reason", func() bool {
		for _, e := range r.matching(r.on(netcore.Note)) {
			if strings.Contains(e.Text, fmt.Sprint(status)) && strings.Contains(e.Text, strings.TrimSuffix(p.body, "\n")) {
				return true
			}
		}
		return false
	})
}

// typeByHand is nc -C: each line goes out when Enter is pressed; it
// returns the reply, read until the server closes.
func typeByHand(t *testing.T, r *rig, lines ...string) string {
	t.Helper()
	c := r.dial()
	defer c.Close()
	for _, l := range lines {
		send(t, c, l)
		time.Sleep(50 * time.Millisecond)
	}
	return readAll(t, c)
}
