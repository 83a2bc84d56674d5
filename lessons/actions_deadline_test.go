package lessons_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// Every action ends by its context's deadline, whatever the server does:
// one that accepts and never answers, and one that drips a byte at a time
// and never stops.

// stallServer listens on loopback and runs handle for each connection;
// everything is closed when the test ends.
func stallServer(t *testing.T, handle func(net.Conn)) lessons.Address {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); handle(c) }()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return lessons.Address{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
}

// silent reads what comes and never writes.
func silent(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// drip writes one byte every 200ms until the client goes away.
func drip(c net.Conn) {
	go silent(c)
	for {
		if _, err := c.Write([]byte("z")); err != nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestActionsEndByTheirDeadline(t *testing.T) {
	const deadline = time.Second
	actions := []lessons.Action{
		lessons.Connect, lessons.SendHello, lessons.Get("/"), lessons.HangUpSoon, lessons.ResetSoon,
		lessons.Writes(5*time.Second, 1, "a", "b"), lessons.Writes(0, 100, "a"), lessons.TwoOnOneConn, lessons.FiveAtOnce,
		lessons.Trickle(100*time.Millisecond, 10*time.Second), lessons.OpenMany(2, 10*time.Second),
		lessons.Slowloris(2, 100*time.Millisecond, 10*time.Second),
	}
	for _, srv := range []struct {
		name   string
		handle func(net.Conn)
	}{{"never answers", silent}, {"drips", drip}} {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			addr := stallServer(t, srv.handle)
			client := netcore.NewClient(netcore.Discard{})
			t.Cleanup(client.CloseAll)
			for i, a := range actions {
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				start := time.Now()
				done := make(chan struct{})
				go func() {
					defer close(done)
					_, _ = a.Run(ctx, lessons.Env{Client: client, Addr: addr})
				}()
				select {
				case <-done:
					if took := time.Since(start); took > deadline+time.Second {
						t.Errorf("action %d (%s) took %s, past its %s deadline and 1s", i, a.Label, took.Round(time.Millisecond), deadline)
					}
				case <-time.After(deadline + time.Second):
					// Left to the client's CloseAll when the test ends.
					t.Errorf("action %d (%s) still running %s after its %s deadline", i, a.Label, time.Second, deadline)
				}
				cancel()
			}
		})
	}
}

// A cancelled action (the learner moved on to another step) stops at once.
func TestActionStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	addr := stallServer(t, drip)
	client := netcore.NewClient(netcore.Discard{})
	t.Cleanup(client.CloseAll)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := lessons.Get("/").Run(ctx, lessons.Env{Client: client, Addr: addr}); done <- err }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a cancelled request reports no error")
		}
	case <-time.After(time.Second):
		t.Fatal("the request went on for a second after it was cancelled")
	}
}
