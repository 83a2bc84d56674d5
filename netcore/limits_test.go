package netcore

import (
	"io"
	"strings"
	"testing"
	"time"
)

// One address may hold only so many connections; the next is refused
// politely (EOF, not a reset) with an event saying which limit acted, and
// the totals stay exact.
func TestConnectionsPerAddress(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConnsPerIP = 2
	srv, col := startServer(t, cfg, silent{Idle: 5 * time.Second})
	addr := v4Addr(t, srv)
	dialRaw(t, "tcp", addr)
	dialRaw(t, "tcp", addr)
	col.waitCount(2, "two accepted", is(FromServer, Accepted))
	third := dialRaw(t, "tcp", addr)
	if n, err := third.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("the third connection should end with EOF, got %d %v", n, err)
	}
	refused := col.waitCount(1, "refused", is(FromServer, Refused))[0]
	if refused.Reason != ByLimit || !strings.Contains(refused.Text, "limit per address (2 open from 127.0.0.1)") {
		t.Fatalf("refused event: %s", TranscriptLine(refused))
	}
	if tot := srv.Totals(); tot.Accepted != 2 || tot.Refused != 1 || tot.Open != 2 {
		t.Fatalf("totals %+v", tot)
	}
}

// The refusal says which limit acted in the words the server was given:
// a Korean course's server says it in Korean.
func TestLimitRefusalInTheServersWords(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConnsPerIP = 1
	cfg.Words = courseWords("ko")
	srv, col := startServer(t, cfg, silent{Idle: 5 * time.Second})
	addr := v4Addr(t, srv)
	dialRaw(t, "tcp", addr)
	col.waitCount(1, "accepted", is(FromServer, Accepted))
	second := dialRaw(t, "tcp", addr)
	_, _ = second.Read(make([]byte, 1))
	refused := col.waitCount(1, "refused", is(FromServer, Refused))[0]
	want := (Phrase{"srv.limit.perip", []any{1, "127.0.0.1"}}).Say(cfg.Words)
	if refused.Text != want || !strings.Contains(want, "주소당") || !strings.Contains(want, "--max-conns-per-ip 0") {
		t.Fatalf("refused %q, want %q", refused.Text, want)
	}
}

// New connections from one address are limited to a rate with a burst of
// twice that; the budget refills with time.
func TestNewConnectionRatePerAddress(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.ConnRatePerIP = 5
	srv, col := startServer(t, cfg, silent{Idle: 5 * time.Second})
	addr := v4Addr(t, srv)
	for i := 0; i < 15; i++ {
		dialRaw(t, "tcp", addr)
	}
	col.waitCount(15, "every connection decided", func(e Event) bool {
		return e.Source == FromServer && (e.Kind == Accepted || e.Kind == Refused)
	})
	accepted := len(filter(col.events, is(FromServer, Accepted)))
	if accepted < 10 || accepted > 11 {
		t.Fatalf("a burst of 15 at 5/s with burst 10: %d accepted", accepted)
	}
	if r := filter(col.events, is(FromServer, Refused)); !strings.Contains(r[0].Text, "too many new connections from 127.0.0.1") {
		t.Fatalf("refused event: %s", TranscriptLine(r[0]))
	}
	time.Sleep(450 * time.Millisecond) // about two tokens back
	before := len(col.events)
	dialRaw(t, "tcp", addr)
	col.waitFor("the refilled budget", func(es []Event) bool { return len(filter(es[before:], is(FromServer, Accepted))) == 1 })
}
