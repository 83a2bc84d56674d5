package netcore

import (
	"bytes"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// dialFrom connects from a chosen loopback source address, so a test can
// play several machines on one host.
func dialFrom(src, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	return d.Dial("tcp", addr)
}

// Slowloris: hundreds of connections from one machine, each sending a
// header byte a second. The per-address limit keeps slots for others,
// clients from another address are served throughout, and the read-header
// timeout closes the slow ones.
func TestSlowlorisDoesNotStarveOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4 s attack")
	}
	const attackers = 300
	srv, col := startServer(t, Config{Addr: "127.0.0.1:0", MaxConns: 400, MaxConnsPerIP: 64, ReadHeaderTimeout: 2 * time.Second},
		HTTPEcho{Idle: 30 * time.Second})
	addr := v4Addr(t, srv)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < attackers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialFrom("127.0.0.2", addr)
			if err != nil {
				return
			}
			defer c.Close()
			if _, err := c.Write([]byte("GET / HTTP/1.1\r\nX-Slow: ")); err != nil {
				return
			}
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := c.Write([]byte("z")); err != nil {
						return // cut by the server
					}
				}
			}
		}()
	}
	// Real clients from another machine, all through the attack.
	served := 0
	for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		c, err := dialFrom("127.0.0.1", addr)
		if err != nil {
			t.Fatalf("a real client could not connect during the attack: %v", err)
		}
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		_, _ = c.Write([]byte("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"))
		reply, _ := io.ReadAll(c)
		c.Close()
		if !bytes.HasPrefix(reply, []byte("HTTP/1.1 200 ")) {
			t.Fatalf("a real client was not served during the attack: %q", reply)
		}
		served++
	}
	close(stop)
	wg.Wait()
	cut := col.waitCount(60, "slow connections cut by the header timeout", func(e Event) bool {
		return e.Kind == Closed && e.Reason == ByHeaderTimeout
	})
	refused := filter(col.events, is(FromServer, Refused))
	t.Logf("served %d real clients; %d slow connections cut, %d refused at the per-address limit", served, len(cut), len(refused))
	if len(refused) == 0 {
		t.Error("the per-address limit should have refused most of the attack")
	}
}

func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(fds)
}

// Churn: 10,000 connections opened and dropped. Afterwards the server holds
// no connection, and goroutines and open files are back to where they were.
func TestChurnReturnsToBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 10,000 connections")
	}
	inbox := NewInbox(1024) // small on purpose: most events fold, totals stay exact
	srv, err := Listen(Config{Addr: "127.0.0.1:0", MaxConns: 1024}, PingPong{Idle: 5 * time.Second}, inbox)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(t.Context())
	stopDrain := make(chan struct{})
	go func() { // the UI's side, draining now and then
		for {
			select {
			case <-stopDrain:
				return
			case <-time.After(30 * time.Millisecond):
				inbox.Drain()
			}
		}
	}()
	defer close(stopDrain)
	addr := v4Addr(t, srv)
	runtime.GC()
	baseG, baseF := runtime.NumGoroutine(), openFiles(t)

	const total, workers = 10_000, 16
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			buf := make([]byte, 64)
			for i := w; i < total; i += workers {
				c, err := net.DialTimeout("tcp", addr, 2*time.Second)
				if err != nil {
					t.Errorf("dial %d: %v", i, err)
					return
				}
				if i%2 == 0 { // half talk first, half just drop
					_ = c.SetDeadline(time.Now().Add(2 * time.Second))
					_, _ = c.Write([]byte("hi"))
					_, _ = c.Read(buf)
				}
				c.Close()
			}
		}(w)
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Totals().Open > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	tot := srv.Totals()
	if tot.Open != 0 || tot.Accepted+tot.Refused != total {
		t.Fatalf("after churn: %+v", tot)
	}
	var g, f int
	for time.Now().Before(deadline) {
		runtime.GC()
		if g, f = runtime.NumGoroutine(), openFiles(t); g <= baseG+2 && f <= baseF+2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if g > baseG+2 || f > baseF+2 {
		t.Fatalf("goroutines %d (was %d), open files %d (was %d)", g, baseG, f, baseF)
	}
	t.Logf("%d connections, %d events folded; goroutines %d→%d, files %d→%d", total, inbox.Folded(), baseG, g, baseF, f)
}
