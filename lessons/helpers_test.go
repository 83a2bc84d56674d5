package lessons_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// waitLimit bounds every wait on the network, so a broken check fails the
// test instead of hanging it. Idle timeouts in the steps are shorter than
// this or are not waited for.
const waitLimit = 8 * time.Second

// rig is one step's server on loopback plus what the tui keeps for it: the
// inbox, the OwnClients set and the step's tracker.
type rig struct {
	t       *testing.T
	inbox   *netcore.Inbox
	srv     *netcore.Server
	addr    lessons.Address
	tracker lessons.Tracker
	own     lessons.OwnClients
	events  []netcore.Event
	done    bool
	doneBy  int // index in events of the event that completed the step
}

// newRig listens on localhost:0 with the step's behavior and makes a fresh
// tracker, as entering a step does. The server is shut down at the end.
func newRig(t *testing.T, step lessons.Step) *rig {
	t.Helper()
	return newServerRig(t, step.Behavior, step.Check)
}

func newServerRig(t *testing.T, b netcore.Behavior, check lessons.Check) *rig {
	t.Helper()
	inbox := netcore.NewInbox(4096)
	srv, err := netcore.Listen(netcore.Config{Addr: "localhost:0"}, b, inbox)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	r := &rig{t: t, inbox: inbox, srv: srv, addr: lessons.Address{Host: "localhost", Port: srv.Port()}, doneBy: -1}
	if check.NewTracker != nil {
		r.tracker = check.NewTracker()
	}
	return r
}

// hostPort is what curl and nc are given: "localhost:PORT".
func (r *rig) hostPort() string { return r.addr.HostPort() }

// pump drains the inbox and feeds every event in order, exactly as the tui
// does: note own clients first, then feed the tracker until it is done.
func (r *rig) pump() {
	for _, e := range r.inbox.Drain() {
		r.events = append(r.events, e)
		r.own.Note(e)
		if r.tracker != nil && !r.done && r.tracker.Feed(e, &r.own) {
			r.done = true
			r.doneBy = len(r.events) - 1
		}
	}
}

// waitFor pumps until cond holds, or fails the test after waitLimit.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		r.pump()
		if cond() {
			return
		}
		select {
		case <-r.inbox.Wake():
		case <-deadline.C:
			r.pump()
			if cond() {
				return
			}
			r.t.Fatalf("timed out after %v waiting for %s; events:\n%s", waitLimit, what, r.dump())
		}
	}
}

// waitDone waits for the step to complete.
func (r *rig) waitDone() {
	r.t.Helper()
	r.waitFor("the step to complete", func() bool { return r.done })
}

// waitCount waits until n events match.
func (r *rig) waitCount(n int, what string, match func(netcore.Event) bool) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%d × %s", n, what), func() bool { return len(r.matching(match)) >= n })
}

func (r *rig) matching(match func(netcore.Event) bool) []netcore.Event {
	var out []netcore.Event
	for _, e := range r.events {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

// assertNotDone fails if the step completed: the negative cases.
func (r *rig) assertNotDone(why string) {
	r.t.Helper()
	r.pump()
	if r.done {
		r.t.Errorf("step completed but should not (%s); completed by event %d of:\n%s", why, r.doneBy, r.dump())
	}
}

func (r *rig) dump() string {
	var b strings.Builder
	for i, e := range r.events {
		mark := "  "
		if i == r.doneBy {
			mark = "▶ "
		}
		b.WriteString(mark + netcore.TranscriptLine(e) + "\n")
	}
	return b.String()
}

// env is what the tui hands an action: the app's client on the same inbox.
func (r *rig) env() lessons.Env {
	return lessons.Env{Client: netcore.NewClient(r.inbox), Addr: r.addr}
}

// runAction runs a step's action as pressing enter does, bounded in time.
func (r *rig) runAction(k lessons.ActionKind) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	return k.Run(ctx, r.env())
}

func is(src netcore.Source, k netcore.Kind) func(netcore.Event) bool {
	return func(e netcore.Event) bool { return e.Source == src && e.Kind == k }
}

var (
	serverAccepted = is(netcore.FromServer, netcore.Accepted)
	serverRecv     = is(netcore.FromServer, netcore.Recv)
	serverSent     = is(netcore.FromServer, netcore.Sent)
	serverClosed   = is(netcore.FromServer, netcore.Closed)
	clientClosed   = is(netcore.FromClient, netcore.Closed)
)

// Outside clients: plain sockets written here, not netcore.Client, sending
// what the real tools send.

// dialOutside opens a raw connection the way nc or curl would.
func dialOutside(t *testing.T, hostPort string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", hostPort, waitLimit)
	if err != nil {
		t.Fatalf("dial %s: %v", hostPort, err)
	}
	_ = c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// curlRequest is what `curl -v http://HOST:PORT/` sends.
func curlRequest(hostPort string) string {
	return "GET / HTTP/1.1\r\nHost: " + hostPort + "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
}

// browserRequest is what a current Firefox sends for a typed-in URL.
func browserRequest(hostPort string) string {
	return "GET / HTTP/1.1\r\n" +
		"Host: " + hostPort + "\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Connection: keep-alive\r\n" +
		"Upgrade-Insecure-Requests: 1\r\n" +
		"Sec-Fetch-Dest: document\r\n" +
		"Sec-Fetch-Mode: navigate\r\n" +
		"Sec-Fetch-Site: none\r\n" +
		"Sec-Fetch-User: ?1\r\n" +
		"\r\n"
}

// send writes s on c, failing the test on error.
func send(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// readAll reads until the server closes (or the deadline), as curl does
// with a Connection: close response.
func readAll(t *testing.T, c net.Conn) string {
	t.Helper()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read until close: %v (got %q)", err, b)
	}
	return string(b)
}

// readN reads exactly n bytes, as nc shows a reply.
func readN(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return string(b)
}

// deadPort is a loopback port with nothing listening on it.
func deadPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p
}
