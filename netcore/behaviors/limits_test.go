package behaviors

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// HTTP behaviors answer an oversized header with 431 and a header that
// trickles in too slowly is cut by the read-header timeout.
func TestServerHTTPLimits(t *testing.T) {
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxHeaderBytes = 512
	cfg.ReadHeaderTimeout = 300 * time.Millisecond
	srv, col := startServer(t, cfg, HTTPEcho{Idle: 5 * time.Second})
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 1000) + "\r\n\r\n"))
	got, _ := readToEnd(t, c)
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 431 ")) {
		t.Fatalf("oversized header got %q", firstLineOf(got))
	}
	bad := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = bad.Write([]byte("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"))
	if got, _ := readToEnd(t, bad); !bytes.HasPrefix(got, []byte("HTTP/1.1 400 ")) {
		t.Fatalf("malformed request got %q", firstLineOf(got))
	}
	slow := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = slow.Write([]byte("GET / HTTP/1.1\r\n"))
	for i := 0; i < 10; i++ {
		time.Sleep(60 * time.Millisecond)
		if _, err := slow.Write([]byte("X")); err != nil {
			break
		}
	}
	closed := col.waitCount(1, "header timeout", func(e netcore.Event) bool { return e.Kind == netcore.Closed && e.Reason == netcore.ByHeaderTimeout })[0]
	if closed.Idle != 300*time.Millisecond {
		t.Fatalf("closed %s", netcore.TranscriptLine(closed))
	}
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
	cfg := defaultsAt("127.0.0.1:0")
	cfg.MaxConns = 400
	cfg.MaxConnsPerIP = 64
	cfg.ReadHeaderTimeout = 2 * time.Second
	cfg.ConnRatePerIP = 0 // this test is about the open-connection limit alone
	srv, col := startServer(t, cfg,
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
	cut := col.waitCount(60, "slow connections cut by the header timeout", func(e netcore.Event) bool {
		return e.Kind == netcore.Closed && e.Reason == netcore.ByHeaderTimeout
	})
	refused := filter(col.events, is(netcore.FromServer, netcore.Refused))
	t.Logf("served %d real clients; %d slow connections cut, %d refused at the per-address limit", served, len(cut), len(refused))
	if len(refused) == 0 {
		t.Error("the per-address limit should have refused most of the attack")
	}
}

func TestTapKeepAlivePair(t *testing.T) {
	target, _ := startServer(t, defaultsAt("127.0.0.1:0"), KeepAlive{Idle: 5 * time.Second})
	tap, col := startTap(t, v4Addr(t, target))
	c := dialRaw(t, "tcp", tap)
	r := bufio.NewReader(c)
	for i, closing := range []string{"", "Connection: close\r\n"} {
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n" + closing + "\r\n")); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i+1, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if !bytes.Contains(body, []byte("response #"+string(rune('1'+i))+" on connection #1")) {
			t.Fatalf("response %d came on another connection: %q", i+1, body)
		}
	}
	if rest, _ := io.ReadAll(r); len(rest) != 0 { // the server's FIN, passed on
		t.Fatalf("bytes after the last response: %q", rest)
	}
	c.Close()
	col.waitCount(1, "closed after Connection: close", is(netcore.FromTap, netcore.Closed))
	if n := len(filter(col.events, is(netcore.FromTap, netcore.Accepted))); n != 1 {
		t.Fatalf("two requests should share one tap connection, saw %d", n)
	}
}
