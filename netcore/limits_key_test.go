package netcore

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dialRawFrom is dialRaw from a chosen loopback source address.
func dialRawFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	c, err := dialFrom(src, addr)
	if err != nil {
		t.Fatalf("dial %s from %s: %v", addr, src, err)
	}
	_ = c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// The per-address limits count an IPv4-mapped address as its IPv4 address
// and an IPv6 address as its /64; distinct IPv4 addresses, loopback ones
// included, stay distinct.
func TestLimitKey(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2":               "127.0.0.2",
		"127.0.0.3":               "127.0.0.3",
		"::ffff:127.0.0.2":        "127.0.0.2",
		"::ffff:10.1.2.3":         "10.1.2.3",
		"2001:db8:1:2::1":         "2001:db8:1:2::",
		"2001:db8:1:2:ffff::9":    "2001:db8:1:2::",
		"2001:db8:1:3::1":         "2001:db8:1:3::",
		"::1":                     "::",
		"fe80::1%eth0":            "fe80::",
		"fe80::2:3:4:5%lo":        "fe80::",
		"2001:db8:1:2:aaaa::bbbb": "2001:db8:1:2::",
	} {
		if got := limitKey(netip.MustParseAddr(in)); got.String() != want {
			t.Errorf("limitKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// A real ::1 connection counts as ::/64, and the refusal says so.
func TestIPv6ClientCountsByItsSlash64(t *testing.T) {
	cfg := defaultsAt("localhost:0")
	cfg.MaxConnsPerIP = 1
	srv, col := startServer(t, cfg, silent{})
	if len(srv.Addrs()) < 2 {
		t.Skip("no IPv6 loopback here")
	}
	addr := net.JoinHostPort("::1", strconv.Itoa(srv.Port()))
	dialRaw(t, "tcp6", addr)
	col.waitCount(1, "accepted", is(FromServer, Accepted))
	dialRaw(t, "tcp6", addr)
	refused := col.waitCount(1, "refused", is(FromServer, Refused))[0]
	if !strings.Contains(refused.Text, "limit per address (1 open from ::/64)") {
		t.Fatalf("refused event: %s", TranscriptLine(refused))
	}
}

// Refusals name the flag that would lift the limit.
func TestRefusalsNameTheirFlag(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConnsPerIP = 1
	srv, col := startServer(t, cfg, silent{})
	dialRawFrom(t, "127.0.0.2", v4Addr(t, srv))
	col.waitCount(1, "accepted", is(FromServer, Accepted))
	dialRawFrom(t, "127.0.0.2", v4Addr(t, srv))
	refused := col.waitCount(1, "refused", is(FromServer, Refused))[0]
	if !strings.HasSuffix(refused.Text, "; a class behind one NAT address needs --max-conns-per-ip 0") {
		t.Fatalf("refused event: %s", TranscriptLine(refused))
	}
	// 127.0.0.3 is another machine, with its own count.
	dialRawFrom(t, "127.0.0.3", v4Addr(t, srv))
	col.waitCount(2, "127.0.0.3 accepted", is(FromServer, Accepted))

	cfg = defaultsAt("127.0.0.1:0")
	cfg.ConnRatePerIP = 1
	srv, col = startServer(t, cfg, silent{})
	for i := 0; i < 3; i++ {
		dialRawFrom(t, "127.0.0.2", v4Addr(t, srv))
	}
	refused = col.waitCount(1, "refused", is(FromServer, Refused))[0]
	if !strings.Contains(refused.Text, "--conn-rate 0") {
		t.Fatalf("refused event: %s", TranscriptLine(refused))
	}
}

// A few addresses cannot fill --max-conns: past half full, an address may
// not hold as many connections as are free, so a newcomer still gets in.
func TestFewAddressesCannotFillMaxConns(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 16
	cfg.MaxConnsPerIP, cfg.ConnRatePerIP = 0, 0
	srv, col := startServer(t, cfg, silent{})
	addr := v4Addr(t, srv)
	decided := func(e Event) bool { return e.Source == FromServer && (e.Kind == Accepted || e.Kind == Refused) }
	n := 0
	for _, greedy := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		for i := 0; i < 16; i++ {
			dialRawFrom(t, greedy, addr)
			n++
			col.waitCount(n, "each connection decided", decided) // one at a time, in order
		}
	}
	open := srv.Totals().Open
	if open >= 16 {
		t.Fatalf("three addresses filled the server: %+v", srv.Totals())
	}
	refused := filter(col.events, is(FromServer, Refused))
	if len(refused) == 0 || !strings.Contains(refused[0].Text, "kept for other addresses (raise --max-conns)") {
		t.Fatalf("refused: %s", dumpEvents(refused))
	}
	dialRawFrom(t, "127.0.0.5", addr)
	col.waitCount(n+1, "the newcomer decided", decided)
	last := col.events[len(col.events)-1]
	for i := len(col.events) - 1; i >= 0 && !decided(last); i-- {
		last = col.events[i]
	}
	if last.Kind != Accepted || !strings.HasPrefix(last.Remote.String(), "127.0.0.5:") {
		t.Fatalf("the newcomer: %s (open before: %d)", TranscriptLine(last), open)
	}
	t.Logf("three greedy addresses hold %d of 16; the newcomer got in", open)
}

// Refused clients that keep their end open do not slow the accept of
// everyone else: the polite close happens off the accept loop.
func TestRefusalsDoNotStallAccept(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConnsPerIP = 1
	srv, col := startServer(t, cfg, silent{})
	addr := v4Addr(t, srv)
	for i := 0; i < 21; i++ {
		dialRawFrom(t, "127.0.0.2", addr) // 20 of them refused, each left open
	}
	start := time.Now()
	dialRawFrom(t, "127.0.0.3", addr)
	col.waitFor("127.0.0.3 accepted", func(es []Event) bool {
		for _, e := range es {
			if e.Kind == Accepted && strings.HasPrefix(e.Remote.String(), "127.0.0.3:") {
				return true
			}
		}
		return false
	})
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Fatalf("another address waited %s behind 20 refusals", took)
	}
}
