package behaviors

import (
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// The server's IdleTimeout caps every connection's idle time, applied in
// one place: a step that asks for longer is clamped to it, and a step
// that asks for nothing gets it.
func TestServerIdleTimeoutIsTheCap(t *testing.T) {
	const cap = 300 * time.Millisecond
	long := time.Minute
	for _, b := range []netcore.Behavior{
		AcceptOnly{}, AcceptOnly{Idle: long},
		PingPong{}, PingPong{Idle: long},
		HTTPHello{}, HTTPHello{Idle: long},
		HTTPText{Body: "hi", Length: -1}, HTTPText{Body: "hi", Length: -1, Idle: long},
		HTTPEcho{}, HTTPEcho{Idle: long},
		Router{}, Router{Idle: long},
		SlowHello{}, SlowHello{Idle: long},
		KeepAlive{}, KeepAlive{Idle: long},
		Guarded{}, Guarded{Idle: long},
		ReadLater{}, ReadLater{Idle: long},
		SmallReads{Buf: 8}, SmallReads{Buf: 8, Idle: long},
		LineEcho{}, LineEcho{Idle: long},
		HangUp{After: long},
	} {
		t.Run(b.Name(), func(t *testing.T) {
			t.Parallel()
			cfg := defaultsAt("127.0.0.1:0")
			cfg.IdleTimeout = cap
			srv, col := startServer(t, cfg, b)
			start := time.Now()
			dialRaw(t, "tcp", v4Addr(t, srv)) // and say nothing
			closed := col.waitCount(1, "the silent connection closed", is(netcore.FromServer, netcore.Closed))[0]
			took := time.Since(start)
			if closed.Reason != netcore.ByIdle || closed.Idle != cap || took > 3*cap {
				t.Fatalf("%T%+v: %s after %s; want an idle close after %s", b, b, netcore.TranscriptLine(closed), took, cap)
			}
		})
	}
}

// A step's own shorter idle time still stands under the cap.
func TestShorterIdleOfAStepStands(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	srv, col := startServer(t, cfg, AcceptOnly{Idle: 150 * time.Millisecond})
	dialRaw(t, "tcp", v4Addr(t, srv))
	closed := col.waitCount(1, "closed", is(netcore.FromServer, netcore.Closed))[0]
	if closed.Reason != netcore.ByIdle || closed.Idle != 150*time.Millisecond {
		t.Fatalf("closed %s", netcore.TranscriptLine(closed))
	}
}

// HangUp's own timer, shorter than the cap, is its choice, not a timeout.
func TestHangUpUnderTheCapIsItsOwnClose(t *testing.T) {
	srv, col := startServer(t, defaultsAt("127.0.0.1:0"), HangUp{After: 200 * time.Millisecond})
	dialRaw(t, "tcp", v4Addr(t, srv))
	closed := col.waitCount(1, "closed", is(netcore.FromServer, netcore.Closed))[0]
	if closed.Reason != netcore.BySelf {
		t.Fatalf("closed %s", netcore.TranscriptLine(closed))
	}
}

// The tap takes the server's cap too, counted over both directions: a
// silent client whose server keeps talking is not idle; a silent pair is.
func TestTapIdleCountsBothWays(t *testing.T) {
	const cap = 300 * time.Millisecond
	talker, _ := startServer(t, defaultsAt("127.0.0.1:0"), tickerBehavior{every: 100 * time.Millisecond, times: 10})
	quiet, _ := startServer(t, defaultsAt("127.0.0.1:0"), AcceptOnly{})
	for _, tc := range []struct {
		target  string
		minLife time.Duration
		reason  netcore.CloseReason
	}{
		{v4Addr(t, talker), 900 * time.Millisecond, netcore.BySelf}, // the FIN passed on, then idle
		{v4Addr(t, quiet), 0, netcore.ByIdle},
	} {
		cfg := defaultsAt("127.0.0.1:0")
		cfg.IdleTimeout = cap
		tap, col := startServer(t, cfg, netcore.Tap{Target: tc.target})
		start := time.Now()
		dialRaw(t, "tcp", v4Addr(t, tap))
		closed := col.waitCount(1, "the tap's connection closed", is(netcore.FromTap, netcore.Closed))[0]
		if took := time.Since(start); took < tc.minLife || took > tc.minLife+3*cap || closed.Reason != tc.reason {
			t.Fatalf("tap to %s: %s after %s", tc.target, netcore.TranscriptLine(closed), took)
		}
	}
}

// tickerBehavior writes a byte every so often, then closes.
type tickerBehavior struct {
	every time.Duration
	times int
}

func (tickerBehavior) Name() string { return "ticker" }

func (b tickerBehavior) Serve(c *netcore.Conn) {
	for i := 0; i < b.times; i++ {
		time.Sleep(b.every)
		if _, err := c.Write([]byte(".")); err != nil {
			return
		}
	}
}
