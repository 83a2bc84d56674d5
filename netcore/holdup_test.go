package netcore

import (
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
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 1024
	srv, err := Listen(cfg, pingPong{Idle: 5 * time.Second}, inbox)
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
