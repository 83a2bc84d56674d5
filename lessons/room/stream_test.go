package room

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// lessonServer is a real ping-pong server whose events go to an inbox and,
// through a Tee, to the room: the wiring main does.
func lessonServer(t *testing.T, r *Room) (*netcore.Server, *netcore.Inbox) {
	t.Helper()
	inbox := netcore.NewInbox(10000)
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	srv, err := netcore.Listen(cfg, behaviors.PingPong{Idle: 10 * time.Second}, netcore.Tee{inbox, r})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv, inbox
}

// pingOnce connects from the student's address, sends msg, reads the
// reply and hangs up, then waits until the server has reported the close.
func (s student) pingOnce(t *testing.T, srv *netcore.Server, inbox *netcore.Inbox, msg string) {
	t.Helper()
	c := s.dial(t, srv.Addrs()[0].String())
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(c).ReadString('\x89'); err != nil { // the reply ends in 🎉
		t.Fatalf("%s: reading the reply: %v", s.ip, err)
	}
	local := c.LocalAddr().String()
	c.Close()
	end := time.Now().Add(5 * time.Second)
	for time.Now().Before(end) {
		for _, e := range inbox.Drain() {
			if e.Kind == netcore.Closed && e.Remote.String() == local {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the server never reported %s closing", local)
}

func isClose(ev sseEvent) bool { return ev.name == "traffic" && strings.Contains(ev.data, " closed ") }

func joined(evs []sseEvent) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s: %s\n", e.name, e.data)
	}
	return b.String()
}

// Two students in the room each see their own connections on their own
// stream, and nothing of the other's; what they sent arrives escaped.
func TestStreamShowsOnlyTheVisitorsOwnTraffic(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", EventsPerSecond: 200})
	srv, inbox := lessonServer(t, r)
	ada, bob := newStudent("127.0.0.61"), newStudent("127.0.0.62")
	adaSSE, bobSSE := ada.openSSE(t, base, 200), bob.openSSE(t, base, 200)
	for _, st := range []*sse{adaSSE, bobSSE} {
		st.until("the first step event", 5*time.Second, func(ev sseEvent) bool { return ev.name == "step" })
	}

	// Bob first, then Ada: streams are in order, so had Bob's events
	// reached Ada's stream they would come before her own close.
	bob.pingOnce(t, srv, inbox, "bob-1 here")
	ada.pingOnce(t, srv, inbox, "ada <script>alert(1)</script> \x1b[2J\x1b]0;pwned\x07 \u202e")
	seen := adaSSE.until("ada's close", 5*time.Second, isClose)
	got := joined(seen)
	if strings.Contains(got, "bob-1") || strings.Contains(got, "127.0.0.62") {
		t.Fatalf("ada's stream carries bob's traffic:\n%s", got)
	}
	for _, want := range []string{"accepted 127.0.0.61:", `recv 48 B &#34;ada &lt;script&gt;alert(1)&lt;/script&gt; \x1b[2J\x1b]0;pwned\x07 \u202e&#34;`, `sent 18 B &#34;Hello client! 🎉&#34;`} {
		if !strings.Contains(got, want) {
			t.Errorf("ada's stream lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(strings.ToLower(got), "<script") || strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Fatalf("hostile bytes reached the stream raw:\n%q", got)
	}

	// Bob's stream: his first round, then a second; Ada's round falls in
	// between and must not show.
	bob.pingOnce(t, srv, inbox, "bob-2 here")
	seen = bobSSE.until("bob's first close", 5*time.Second, isClose)
	seen = append(seen, bobSSE.until("bob's second close", 5*time.Second, isClose)...)
	got = joined(seen)
	if strings.Contains(got, "ada") || strings.Contains(got, "127.0.0.61") {
		t.Fatalf("bob's stream carries ada's traffic:\n%s", got)
	}
	if !strings.Contains(got, `recv 10 B &#34;bob-1 here&#34;`) || !strings.Contains(got, `recv 10 B &#34;bob-2 here&#34;`) {
		t.Fatalf("bob's stream lacks his own requests:\n%s", got)
	}
	bobSSE.until("bob's totals", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == "totals" && ev.data == "2 connections · you sent 20 B · the server sent 36 B"
	})
}

// The room takes only so many streams, in all and per address.
func TestTooManyStreamsGet503(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", MaxStreams: 2, MaxStreamsPerIP: 1})
	a, b, c := newStudent("127.0.0.65"), newStudent("127.0.0.66"), newStudent("127.0.0.67")
	first := a.openSSE(t, base, 200)
	first.until("a step event", 5*time.Second, func(ev sseEvent) bool { return ev.name == "step" })
	a.openSSE(t, base, 503) // a second from the same address
	b.openSSE(t, base, 200)
	c.openSSE(t, base, 503) // a third in all
	if n := r.Streams(); n != 2 {
		t.Fatalf("%d streams open, want 2", n)
	}
	first.close()
	waitFor(t, "the closed stream to leave", func() bool { return r.Streams() == 1 })
	a.openSSE(t, base, 200) // its slot is free again
}

// A student whose browser stops reading costs only their own queue: Push
// stays immediate, and another student's stream keeps flowing.
func TestStalledReaderDoesNotBlockPush(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", EventsPerSecond: 1000})
	stalled, reader := newStudent("127.0.0.68"), newStudent("127.0.0.69")

	// The stalled one asks for the stream and never reads a byte of it.
	raw := stalled.dial(t, strings.TrimPrefix(base, "http://"))
	defer raw.Close()
	fmt.Fprintf(raw, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", strings.TrimPrefix(base, "http://"))
	waitFor(t, "the stalled stream to open", func() bool { return r.Streams() == 1 })
	live := reader.openSSE(t, base, 200)
	live.until("a step event", 5*time.Second, func(ev sseEvent) bool { return ev.name == "step" })

	big := []byte(strings.Repeat("x", 64<<10))
	from := func(ip string, port int) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: port} }
	const n = 20000
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/4; i++ {
				r.Push(netcore.Event{Time: time.Now(), Conn: 1, Kind: netcore.Recv, Remote: from(stalled.ip, 5000), Data: big, Count: len(big)})
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if took > 3*time.Second {
		t.Fatalf("%d pushes for a stalled reader took %s", n, took)
	}
	r.Push(netcore.Event{Time: time.Now(), Conn: 7, Kind: netcore.Recv, Remote: from(reader.ip, 5001), Data: []byte("still here"), Count: 10})
	live.until("the other student's event", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == "traffic" && strings.Contains(ev.data, "still here")
	})
	t.Logf("%d pushes of 64 KiB events to a stalled stream: %s", n, took)
}

// Over the rate, a stream sends a count instead of the events.
func TestFloodIsCoalescedIntoSkippedLine(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", EventsPerSecond: 4, Queue: 16})
	s := newStudent("127.0.0.70")
	st := s.openSSE(t, base, 200)
	st.until("a step event", 5*time.Second, func(ev sseEvent) bool { return ev.name == "step" })
	for i := 0; i < 500; i++ {
		r.Push(netcore.Event{Time: time.Now(), Conn: uint64(i + 1), Kind: netcore.Accepted, Remote: &net.TCPAddr{IP: net.ParseIP(s.ip), Port: 6000 + i}})
	}
	seen := st.until("a skipped line", 5*time.Second, func(ev sseEvent) bool { return ev.name == "skipped" })
	traffic := 0
	for _, ev := range seen {
		if ev.name == "traffic" {
			traffic++
		}
	}
	last := seen[len(seen)-1].data
	var skipped int
	if _, err := fmt.Sscanf(last, "%d events skipped", &skipped); err != nil || skipped+traffic != 500 {
		t.Fatalf("%d lines shown and %q: want the two to add up to 500", traffic, last)
	}
	st.until("the totals", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == "totals" && strings.HasPrefix(ev.data, "500 connections")
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Close ends open streams, even one whose reader stalled, and returns.
func TestCloseEndsStreams(t *testing.T) {
	t.Parallel()
	r := New(Config{Lang: "en"})
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:" + fmt.Sprint(r.Port())
	st := newStudent("127.0.0.78").openSSE(t, base, 200)
	st.until("a step event", 5*time.Second, func(ev sseEvent) bool { return ev.name == "step" })
	raw := newStudent("127.0.0.79").dial(t, strings.TrimPrefix(base, "http://"))
	defer raw.Close()
	fmt.Fprintf(raw, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "both streams", func() bool { return r.Streams() == 2 })
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5s")
	}
	if _, err := st.next(2 * time.Second); err == nil {
		t.Fatal("the stream still delivers after Close")
	}
	if n := r.Streams(); n != 0 {
		t.Fatalf("%d streams left after Close", n)
	}
}
