package netcore

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// waitLimit bounds every wait in these tests so a bug fails, never hangs.
const waitLimit = 5 * time.Second

// collector gathers events through a real Inbox, the way the UI does.
type collector struct {
	t      *testing.T
	inbox  *Inbox
	events []Event
}

func newCollector(t *testing.T) *collector {
	return &collector{t: t, inbox: NewInbox(4096)}
}

// waitFor drains until ok holds over everything seen so far, or fails the
// test after waitLimit.
func (c *collector) waitFor(what string, ok func([]Event) bool) []Event {
	c.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		c.events = append(c.events, c.inbox.Drain()...)
		if ok(c.events) {
			return c.events
		}
		select {
		case <-c.inbox.Wake():
		case <-deadline.C:
			c.t.Fatalf("timed out waiting for %s; events so far:\n%s", what, dumpEvents(c.events))
		}
	}
}

// waitCount waits until at least n events match and returns the matches.
func (c *collector) waitCount(n int, what string, match func(Event) bool) []Event {
	c.t.Helper()
	c.waitFor(what, func(es []Event) bool { return len(filter(es, match)) >= n })
	return filter(c.events, match)
}

func filter(es []Event, match func(Event) bool) []Event {
	var out []Event
	for _, e := range es {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

// is matches events of one source and kind, optionally of one connection.
func is(src Source, k Kind) func(Event) bool {
	return func(e Event) bool { return e.Source == src && e.Kind == k }
}

func dumpEvents(es []Event) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("  ")
		b.WriteString(TranscriptLine(e))
		b.WriteByte('\n')
	}
	return b.String()
}

// hookSink forwards to an Inbox, then runs hook on the reporting goroutine,
// so a test can act at the exact moment an event is reported.
type hookSink struct {
	inbox *Inbox
	hook  func(*Server, Event)
	srv   atomic.Pointer[Server]
}

func (h *hookSink) Push(e Event) {
	h.inbox.Push(e)
	if s := h.srv.Load(); s != nil {
		h.hook(s, e)
	}
}

// startServer listens on a free loopback port and shuts down with the test.
func startServer(t *testing.T, cfg Config, b Behavior) (*Server, *collector) {
	t.Helper()
	return startHooked(t, cfg, b, nil)
}

// startHooked is startServer with a hook run inside every Push.
func startHooked(t *testing.T, cfg Config, b Behavior, hook func(*Server, Event)) (*Server, *collector) {
	t.Helper()
	if cfg.Words == nil {
		cfg.Words = enWords
	}
	col := newCollector(t)
	var sink Sink = col.inbox
	var hs *hookSink
	if hook != nil {
		hs = &hookSink{inbox: col.inbox, hook: hook}
		sink = hs
	}
	s, err := Listen(cfg, b, sink)
	if err != nil {
		t.Fatalf("Listen(%q): %v", cfg.Addr, err)
	}
	if hs != nil {
		hs.srv.Store(s)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s, col
}

// dialRaw opens a plain TCP connection with a deadline, closed with the test.
func dialRaw(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout(network, addr, waitLimit)
	if err != nil {
		t.Fatalf("dial %s %s: %v", network, addr, err)
	}
	_ = c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// v4Addr is the server's 127.0.0.1 address as host:port.
func v4Addr(t *testing.T, s *Server) string {
	t.Helper()
	for _, a := range s.Addrs() {
		if ta := a.(*net.TCPAddr); ta.IP.To4() != nil {
			return ta.String()
		}
	}
	t.Fatalf("no IPv4 listener among %v", s.Addrs())
	return ""
}

// readToEnd reads until the peer closes. A timeout is a failure; a reset
// is returned so callers can decide.
func readToEnd(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	b, err := io.ReadAll(c)
	if errors.Is(err, syscall.ECONNRESET) {
		return b, err
	}
	if err != nil {
		t.Fatalf("reading to EOF: %v (got %q)", err, b)
	}
	return b, nil
}

func port(a net.Addr) int { return a.(*net.TCPAddr).Port }

// The behaviors below stand in for the lesson servers (package behaviors,
// which imports this one): just enough of a server to test the core.

// silent reads until the client closes or goes quiet for Idle.
type silent struct{ Idle time.Duration }

func (silent) Name() string { return "silent" }

func (b silent) Serve(c *Conn) {
	if b.Idle > 0 {
		c.SetIdle(b.Idle)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

var pongReply = []byte("Hello client! 🎉")

// pingPong answers every read with pongReply.
type pingPong struct{ Idle time.Duration }

func (pingPong) Name() string { return "ping-pong" }

func (b pingPong) Serve(c *Conn) {
	if b.Idle > 0 {
		c.SetIdle(b.Idle)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
		if _, err := c.Write(pongReply); err != nil {
			return
		}
	}
}

var helloResponse = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 18\r\nConnection: close\r\n\r\nHello, world! 🎉")

// hello answers the first read with helloResponse, then closes politely.
type hello struct{ Idle time.Duration }

func (hello) Name() string { return "http-hello" }

func (b hello) Serve(c *Conn) {
	if b.Idle > 0 {
		c.SetIdle(b.Idle)
	}
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	if _, err := c.Write(helloResponse); err != nil {
		return
	}
	_ = c.CloseWrite()
	c.DrainFor(time.Second)
}

// defaultsAt is the server users get (DefaultConfig), listening on addr,
// speaking English (enWords). A test that needs more lifts a limit by name
// on the copy.
func defaultsAt(addr string) Config {
	cfg := DefaultConfig()
	cfg.Addr = addr
	cfg.Words = enWords
	return cfg
}

// courseWords reads assets/lessons/<lang>/server.txt as lessons.UIStrings
// does (netcore does not import the assets; its tests read the file).
func courseWords(lang string) map[string]string {
	raw, err := os.ReadFile("../assets/lessons/" + lang + "/server.txt")
	if err != nil {
		panic(err)
	}
	words := map[string]string{}
	ReadWords(words, raw)
	return words
}

// enWords are the English servers' words, so what the tests assert is
// what a learner reads.
var enWords = courseWords("en")
