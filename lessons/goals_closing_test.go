package lessons_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The closing and chunked lessons' entries of the shared tables.
func init() {
	for k, v := range closingCases {
		stepCases[k] = v
	}
	for k, v := range chunkedCases {
		stepCases[k] = v
	}
	// The TCP states are the kernel's view of the server's own socket; the
	// tap's sockets are others, in other states.
	if netcore.StatesVisible() {
		tapHidden["closing/2"] = "StateSeen(TIME_WAIT): the state is of the server's own socket, behind the tap"
		tapHidden["closing/4"] = "StateSeen(CLOSE_WAIT): the state is of the server's own socket, behind the tap"
	}
	tapHidden["closing/3"] = "ResetAfterAnswer: the abort is the server's own close; the tap sees a reset from it"
	probeBehaviors["chunked"] = 0
	exampleSteps["closing"] = struct {
		steps []int
		flags map[int][]string
		why   string
	}{steps: []int{1}, why: "steps 2 to 4 run servers that close too early, too late or not at all, on purpose, and show the states of the server's own socket, hidden behind a tap"}
	exampleSteps["chunked"] = struct {
		steps []int
		flags map[int][]string
		why   string
	}{steps: []int{1, 2}, why: "steps 3 and 4 send a wrong chunk size on purpose"}
}

// halfClose writes msg, shuts down the write side as nc -N does, and
// reads until the server closes.
func halfClose(t *testing.T, r *rig, msg string) string {
	t.Helper()
	c := r.dial()
	send(t, c, msg)
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, c)
	_ = c.Close()
	return got
}

var closingCases = map[string]stepCase{
	"closing/1": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		// printf 'one\ntwo\nthree\n' | nc -N localhost PORT
		if got := halfClose(t, r, "one\ntwo\nthree\n"); got != "14 bytes, 3 lines\n" {
			t.Errorf("nc -N got %q", got)
		}
		r.settle(1)
	}, []trial{
		{name: "enter half-closes", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if got := joined(r, netcore.Recv); string(got) != "14 bytes, 3 lines\n" {
				t.Errorf("the app's client read %q", got)
			}
		}},
		// Plain nc: nothing comes back while the client has not closed.
		{name: "plain nc waits", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "one\n")
			_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			if n, err := c.Read(make([]byte, 64)); n > 0 || !isTimeout(err) {
				t.Errorf("plain nc got %d bytes, %v before its FIN", n, err)
			}
			r.assertNotDone("no answer yet")
		}},
		// Ctrl+C: nc closes for good; the answer is met with a reset.
		{name: "nc closed for good", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "one\n")
			r.waitFor("the line to arrive", func() bool { return received(r) == "one\n" })
			_ = c.Close()
			r.settle(1)
			if cl := r.matching(r.on(netcore.Closed)); len(cl) != 1 || cl[0].Reason != netcore.ByReset {
				t.Errorf("close events %v, want one by reset", cl)
			}
			r.assertNotDone("the answer was reset")
		}},
	}},

	"closing/2": {"send", func(t *testing.T, r *rig, s lessons.Step) {
		r.mustRun(s.Action)
		r.settle(1)
		if got := joined(r, netcore.Recv); string(got) != string(behaviors.ByeReply) {
			t.Errorf("the client read %q", got)
		}
	}, []trial{
		{name: "nc types a line", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange("hello\n"); got != "bye\n" {
				t.Errorf("nc got %q", got)
			}
			if netcore.StatesVisible() {
				r.waitDone()
				if e := r.doneEvent(); e.Kind != netcore.Note || e.Text != "state TIME_WAIT" {
					t.Errorf("completed by %s", netcore.TranscriptLine(e))
				}
			}
		}},
		// nc kept open (no Ctrl+C yet): FIN_WAIT2, and TIME_WAIT only
		// once it closes.
		{name: "nc stays open, then Ctrl+C", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			if !netcore.StatesVisible() {
				t.Skip("no TCP states on this system")
			}
			c := r.dial()
			send(t, c, "hello\n")
			if got := readAll(t, c); got != "bye\n" {
				t.Errorf("nc got %q", got)
			}
			r.waitCount(1, "the FIN_WAIT2 note", func(e netcore.Event) bool { return e.Kind == netcore.Note && e.Text == "state FIN_WAIT2" })
			r.assertNotDone("nc has not closed yet")
			_ = c.Close()
			r.waitDone()
		}},
		// The client closes first: the server's side is not in TIME_WAIT.
		{name: "the client closes first", behavior: behaviors.AcceptOnly{Idle: 10 * time.Second}, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hello\n")
			_ = c.Close()
			r.settle(1)
			time.Sleep(100 * time.Millisecond)
			r.assertNotDone("the client closed first")
		}},
	}},

	"closing/3": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -v URL: the answer, or "Connection reset by peer".
		c := r.dial()
		send(t, c, curlRequest(r.hostPort()))
		got, err := io.ReadAll(c)
		if err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("curl: %v", err)
		}
		if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 200 OK\r\n") {
			t.Errorf("curl got %q", got)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
		}},
		// A request of 16 bytes or less leaves nothing unread: a FIN.
		{name: "nothing left unread", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "GET / HTTP/1.0\r\n")
			if got := readAll(t, c); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") {
				t.Errorf("got %q", got)
			}
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("the server read everything before closing")
		}},
	}},

	"closing/4": {"hangup", func(t *testing.T, r *rig, s lessons.Step) {
		// nc -N localhost PORT, a line, Ctrl+D; nc waits for the server's FIN.
		c := r.dial()
		send(t, c, "hello\n")
		if err := c.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		if !netcore.StatesVisible() {
			t.Skip("without TCP states the step completes when the server closes, after its 20 s hold, past waitLimit")
		}
		r.waitFor("the line to arrive", func() bool { return received(r) == "hello\n" })
		time.Sleep(300 * time.Millisecond) // the server notes CLOSE_WAIT
		_ = c.Close()
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
		}},
		// A server that closes: no CLOSE_WAIT to see.
		{name: "a server that closes", like: "client/2", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "hello\n")
			_ = c.(*net.TCPConn).CloseWrite()
			readAll(t, c)
			r.settle(1)
			r.assertNotDone("the server closed")
		}},
	}},
}

var chunkedCases = map[string]stepCase{
	"chunked/1": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -N URL: the chunks come one by one.
		c := r.dial()
		send(t, c, curlRequest(r.hostPort()))
		var reads []string
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				reads = append(reads, string(buf[:n]))
			}
			if err != nil {
				break
			}
		}
		raw := strings.Join(reads, "")
		if len(reads) < 3 || !strings.Contains(raw, "\r\n4\r\none\n\r\n") || !strings.HasSuffix(raw, "\r\n16\r\nfive, and that is all\n\r\n0\r\n\r\n") {
			t.Errorf("curl read %d times: %q", len(reads), raw)
		}
		_ = c.Close()
		r.settle(1)
	}, []trial{
		{name: "enter", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
		}},
		{name: "a browser's own favicon request", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(faviconRequest(r.hostPort()))
			r.settle(1)
			r.assertNotDone("the favicon request is not the learner's")
		}},
		{name: "a response with Content-Length", like: "keep-alive/3", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "GET", "/", "", "Connection: close"))
			r.settle(1)
			r.assertNotDone("the body was not chunked")
		}},
	}},

	"chunked/2": {"request", func(t *testing.T, r *rig, s lessons.Step) {
		// curl -H 'Transfer-Encoding: chunked' --data-binary 'Hello, chunked world!' URL
		req := "POST / HTTP/1.1\r\nHost: " + r.hostPort() + "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\n\r\n15\r\nHello, chunked world!\r\n0\r\n\r\n"
		got := r.exchange(req)
		if !strings.Contains(got, "You sent 21 bytes in 2 chunks") || !strings.Contains(got, "Hello, chunked world!") {
			t.Errorf("curl got %q", got)
		}
		r.settle(1)
	}, []trial{
		{name: "enter sends three chunks", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if got := string(joined(r, netcore.Recv)); !strings.Contains(got, "You sent 21 bytes in 4 chunks") {
				t.Errorf("the app's client read %q", got)
			}
		}},
		{name: "a body with Content-Length", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(curlReq(r.hostPort(), "POST", "/", "a=b"))
			r.settle(1)
			r.assertNotDone("the body was not chunked")
		}},
	}},

	"chunked/3": {"", func(t *testing.T, r *rig, s lessons.Step) {
		raw := r.exchange(curlRequest(r.hostPort()))
		if !strings.HasSuffix(raw, "\r\n\r\n5\r\n"+behaviors.HelloBody+"\r\n0\r\n\r\n") {
			t.Errorf("curl got %q", raw)
		}
		r.settle(1)
	}, []trial{
		{name: "the app's own request", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(lessons.Get("/"))
			r.settle(1)
			r.assertNotDone("the app's client is not curl")
		}},
	}},

	"chunked/4": {"", func(t *testing.T, r *rig, s lessons.Step) {
		// curl waits for 14 more bytes until the idle timeout.
		raw := r.exchange(curlRequest(r.hostPort()))
		if !strings.HasSuffix(raw, "\r\n\r\n20\r\n"+behaviors.HelloBody+"\r\n") {
			t.Errorf("curl got %q", raw)
		}
		r.settle(1)
	}, []trial{
		{name: "curl hangs up early", run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, curlRequest(r.hostPort()))
			r.waitCount(1, "the response", r.on(netcore.Sent))
			_ = c.Close()
			r.settle(1)
			r.assertNotDone("curl closed, not the server")
		}},
	}},
}
