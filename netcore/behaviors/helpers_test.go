package behaviors

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// waitLimit bounds every wait in these tests so a bug fails, never hangs.
const waitLimit = 5 * time.Second

// collector gathers a server's events through a real Inbox.
type collector struct {
	t      *testing.T
	inbox  *netcore.Inbox
	events []netcore.Event
}

// waitCount waits until at least n events match and returns the matches.
func (c *collector) waitCount(n int, what string, match func(netcore.Event) bool) []netcore.Event {
	c.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		c.events = append(c.events, c.inbox.Drain()...)
		if got := filter(c.events, match); len(got) >= n {
			return got
		}
		select {
		case <-c.inbox.Wake():
		case <-deadline.C:
			c.t.Fatalf("timed out waiting for %s; saw %d events", what, len(c.events))
		}
	}
}

func filter(es []netcore.Event, match func(netcore.Event) bool) []netcore.Event {
	var out []netcore.Event
	for _, e := range es {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

func is(src netcore.Source, k netcore.Kind) func(netcore.Event) bool {
	return func(e netcore.Event) bool { return e.Source == src && e.Kind == k }
}

// courseWords reads assets/lessons/<lang>/server.txt as lessons.UIStrings
// does (netcore does not import the assets; its tests read the file).
func courseWords(lang string) map[string]string {
	raw, err := os.ReadFile("../../assets/lessons/" + lang + "/server.txt")
	if err != nil {
		panic(err)
	}
	words := map[string]string{}
	netcore.ReadWords(words, raw)
	return words
}

// enWords are the English servers' words: the tests' servers speak them
// unless a test gives others, so what they assert is what a learner reads.
var enWords = courseWords("en")

var koWords = courseWords("ko")

// checkSaid says p in English and Korean: every verb gets its value and
// every value its verb. Its text values (bytes from the network, which may
// hold a %!) are said as x, so only the words' verbs are judged.
func checkSaid(t *testing.T, p netcore.Phrase) {
	t.Helper()
	p = plainValues(p)
	for _, words := range []map[string]string{enWords, koWords} {
		if said := p.Say(words); strings.Contains(said, "%!") || strings.HasPrefix(said, "srv.") {
			t.Errorf("%s says %q", p.Key, said)
		}
	}
}

func plainValues(p netcore.Phrase) netcore.Phrase {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case string:
			args[i] = "x"
		case netcore.Phrase:
			args[i] = plainValues(v)
		default:
			args[i] = a
		}
	}
	return netcore.Phrase{Key: p.Key, Args: args}
}

// startServer listens on a free loopback port and shuts down with the test.
// A config without Words gets the English ones.
func startServer(t *testing.T, cfg netcore.Config, b netcore.Behavior) (*netcore.Server, *collector) {
	t.Helper()
	if cfg.Words == nil {
		cfg.Words = enWords
	}
	col := &collector{t: t, inbox: netcore.NewInbox(4096)}
	s, err := netcore.Listen(cfg, b, col.inbox)
	if err != nil {
		t.Fatalf("Listen(%q): %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s, col
}

// startTap puts a tap in front of target and returns its address.
func startTap(t *testing.T, target string) (string, *collector) {
	t.Helper()
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), netcore.Tap{Target: target})
	return v4Addr(t, s), col
}

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

// dialFrom connects from a chosen loopback source address, so a test can
// play several machines on one host.
func dialFrom(src, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	return d.Dial("tcp", addr)
}

func v4Addr(t *testing.T, s *netcore.Server) string {
	t.Helper()
	for _, a := range s.Addrs() {
		if ta := a.(*net.TCPAddr); ta.IP.To4() != nil {
			return ta.String()
		}
	}
	t.Fatalf("no IPv4 listener among %v", s.Addrs())
	return ""
}

// readToEnd reads until the peer closes; a reset is returned, a timeout fails.
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

func firstLineOf(b []byte) string { l, _, _ := bytes.Cut(b, []byte("\r\n")); return string(l) }

// defaultsAt is the server users get (DefaultConfig), listening on addr.
// A test that needs more lifts a limit by name on the copy.
func defaultsAt(addr string) netcore.Config {
	cfg := netcore.DefaultConfig()
	cfg.Addr = addr
	return cfg
}
