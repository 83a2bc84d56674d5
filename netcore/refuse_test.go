package netcore

import (
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// One address floods the server with connections far past its limits and
// never closes them. Refusing them must cost the accept loop nothing: a
// student at another address is still served at once.
func TestRefusalFloodDoesNotDelayOthers(t *testing.T) {
	srv, _ := startServer(t, withAddr(DefaultConfig(), "127.0.0.1:0"), hello{Idle: 5 * time.Second})
	addr := v4Addr(t, srv)
	if c, err := dialFrom("127.0.0.31", addr); err != nil {
		t.Skipf("no second loopback address here: %v", err)
	} else {
		_ = c.Close()
	}

	const floodConns = 3000
	stop := make(chan struct{})
	var flood sync.WaitGroup
	var mu sync.Mutex
	var held []net.Conn
	for w := 0; w < 30; w++ {
		flood.Add(1)
		go func() {
			defer flood.Done()
			for i := 0; i < floodConns/30; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, err := dialFrom("127.0.0.30", addr)
				if err != nil {
					continue
				}
				mu.Lock()
				held = append(held, c) // never closed until the end: no FIN
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	time.Sleep(200 * time.Millisecond) // let the flood build up

	var took []time.Duration
	for i := 0; i < 60; i++ {
		start := time.Now()
		c, err := dialFrom("127.0.0.31", addr)
		if err != nil {
			t.Fatalf("student dial: %v", err)
		}
		_ = c.SetDeadline(time.Now().Add(waitLimit))
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatalf("student write: %v", err)
		}
		buf := make([]byte, len(helloResponse))
		if _, err := readFull(c, buf); err != nil {
			t.Fatalf("student read after %v: %v", time.Since(start), err)
		}
		took = append(took, time.Since(start))
		_ = c.Close()
		time.Sleep(30 * time.Millisecond) // within the student's own rate limit
	}
	close(stop)
	flood.Wait()
	slices.Sort(took)
	p99 := took[len(took)*99/100]
	mu.Lock()
	n := len(held)
	mu.Unlock()
	t.Logf("flood: %d connections held open from 127.0.0.30, %d refused; student p50 %v, p99 %v", n, srv.Totals().Refused, took[len(took)/2], p99)
	if n < floodConns/2 {
		t.Fatalf("the flood opened only %d connections", n)
	}
	if p99 > 100*time.Millisecond {
		t.Fatalf("a student at another address waited %v at p99 (all: %v)", p99, took)
	}
}

func readFull(c net.Conn, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := c.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func withAddr(c Config, addr string) Config { c.Addr = addr; return c }
