package netcore

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A tap aimed at its own listener refuses at once with an event that says
// why, instead of relaying to itself until a limit stops it: one client
// connection is one accepted connection.
func TestTapRefusesItsOwnListener(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost", "::1"} {
		t.Run(host, func(t *testing.T) {
			s, col := startServer(t, defaultsAt("localhost:0"), silent{})
			if host == "::1" && len(s.Addrs()) < 2 {
				t.Skip("no IPv6 loopback here")
			}
			s.SetBehavior(Tap{Target: net.JoinHostPort(host, strconv.Itoa(s.Port()))})
			c := dialRaw(t, "tcp", v4Addr(t, s))
			_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
			if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
				t.Fatalf("the client should see a polite end, got %d %v", n, err)
			}
			refused := col.waitCount(1, "refused", is(FromTap, Refused))[0]
			if !strings.Contains(refused.Text, "is the tap's own address") {
				t.Fatalf("refused event: %s", TranscriptLine(refused))
			}
			time.Sleep(200 * time.Millisecond) // room for a relay loop to show itself
			if tot := s.Totals(); tot.Accepted != 1 {
				t.Fatalf("one client connection became %d accepted connections: %+v", tot.Accepted, tot)
			}
		})
	}
}

// Reaches tells a target that lands on the server's own listener from one
// that does not.
func TestServerReaches(t *testing.T) {
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), silent{})
	p := s.Port()
	for target, want := range map[HostPort]bool{
		{"127.0.0.1", p}:        true,
		{"localhost", p}:        true,
		{"LocalHost.", p}:       true,
		{"::ffff:127.0.0.1", p}: true,
		{"127.0.0.2", p}:        false, // another loopback address: another host here
		{"::1", p}:              false, // this server is not on ::1
		{"127.0.0.1", p + 1}:    false,
		{"example.com", p}:      false,
	} {
		if got := s.Reaches(target); got != want {
			t.Errorf("Reaches(%s) = %v, want %v", target, got, want)
		}
	}
}
