package behaviors

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// MemoryBound is what the README promises: with the default limits no
// traffic pattern takes the process above it.
const MemoryBound = 96 << 20

// vmRSS is the process's resident set size from /proc/self/status.
func vmRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status here")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmRSS in /proc/self/status")
	return 0
}

func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// The body attack: 8 addresses × 32 connections (every slot the default
// limits allow) each send a header with Content-Length: 1 MiB and all of
// the body but its last KiB, then hold the connection open. The reader
// streams bodies, keeping a bounded prefix, so memory stays under the
// bound. The inbox is never drained: a frozen screen is the worst case.
func TestBodyAttackMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 256 MiB over loopback")
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory use")
	}
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	inbox := netcore.NewInbox(20000) // what the app uses
	srv, err := netcore.Listen(cfg, HTTPEcho{Idle: 30 * time.Second}, inbox)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(t.Context())
	addr := v4Addr(t, srv)
	if c, err := dialFrom("127.0.0.37", addr); err != nil {
		t.Skipf("no loopback alias addresses here: %v", err)
	} else {
		_ = c.Close()
	}
	runtime.GC()
	base := vmRSS(t)

	const addrs, perAddr, bodyLen = 8, 32, 1 << 20
	head := []byte(fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", bodyLen))
	body := bytes.Repeat([]byte("a"), bodyLen-1024)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	errs := make(chan error, addrs*perAddr)
	for a := 0; a < addrs; a++ {
		for i := 0; i < perAddr; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := dialFrom(fmt.Sprintf("127.0.0.%d", 30+a), addr)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				_ = c.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if _, err := c.Write(head); err != nil {
					errs <- err
					return
				}
				if _, err := c.Write(body); err != nil {
					errs <- err
					return
				}
			}()
		}
	}
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	// Sample while the bodies arrive, until the server has read all that
	// was written. The fair share of --max-conns turns a few of the 256
	// away (they keep room for addresses not yet connected), so the
	// target is what the admitted connections wrote.
	var peakRSS, peakHeap int64
	deadline := time.Now().Add(30 * time.Second)
	writing := make(chan struct{})
	go func() { wg.Wait(); close(writing) }()
	for {
		select {
		case <-writing:
		default:
			peakRSS, peakHeap = max(peakRSS, vmRSS(t)), max(peakHeap, liveHeap())
			if time.Now().After(deadline) {
				t.Fatalf("the writers did not finish in 30 s (server read %d bytes)", srv.Totals().BytesIn)
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		break
	}
	// Bytes of refused connections never reach a behavior; a connection
	// still in the accept queue counts as admitted until it is refused.
	want := func() int64 { return (int64(addrs*perAddr) - srv.Totals().Refused) * int64(len(head)+len(body)) }
	for srv.Totals().BytesIn < want() {
		peakRSS, peakHeap = max(peakRSS, vmRSS(t)), max(peakHeap, liveHeap())
		if time.Now().After(deadline) {
			t.Fatalf("the server read %d of %d bytes in 30 s (open %d)", srv.Totals().BytesIn, want(), srv.Totals().Open)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(errs)
	failed := 0
	for range errs {
		failed++ // a connection the fair share turned away
	}
	peakRSS, peakHeap = max(peakRSS, vmRSS(t)), max(peakHeap, liveHeap())
	t.Logf("RSS %.1f MiB at start, peak %.1f MiB; peak live heap %.1f MiB; %d connections open, inbox %d events",
		mib(base), mib(peakRSS), mib(peakHeap), srv.Totals().Open, inbox.Len())
	if tot := srv.Totals(); tot.Open+tot.Refused != addrs*perAddr || int64(failed) > tot.Refused || tot.Open < addrs*perAddr*3/4 {
		t.Fatalf("%d connections open and %d refused of %d, %d writers failed", tot.Open, tot.Refused, addrs*perAddr, failed)
	}
	if peakRSS > MemoryBound {
		t.Fatalf("RSS reached %.1f MiB, above the %.0f MiB bound", mib(peakRSS), mib(MemoryBound))
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// A body longer than the kept prefix: the echo page gives the full count
// and the prefix, and /echo sends the prefix back and says so.
func TestLongBodyShowsPrefixAndCount(t *testing.T) {
	body := strings.Repeat("z", 100_000)
	req := "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n" + body
	echo, _ := startServer(t, defaultsAt("127.0.0.1:0"), HTTPEcho{Idle: 5 * time.Second})
	c := dialRaw(t, "tcp", v4Addr(t, echo))
	_, _ = c.Write([]byte(req))
	got, _ := readToEnd(t, c)
	if !bytes.Contains(got, []byte("Body: 100000 bytes\n"+body[:16<<10]+"\n(only the first 16384 bytes are shown)\n")) {
		t.Fatalf("echo page for a long body: %q…", got[:min(len(got), 300)])
	}
	router, _ := startServer(t, defaultsAt("127.0.0.1:0"), Router{Idle: 5 * time.Second})
	c = dialRaw(t, "tcp", v4Addr(t, router))
	_, _ = c.Write([]byte(req))
	got, _ = readToEnd(t, c)
	head, rest, _ := bytes.Cut(got, []byte("\r\n\r\n"))
	if !bytes.Contains(head, []byte("\r\nX-Echo-Kept: 16384 of 100000 bytes\r\n")) || string(rest) != body[:16<<10] {
		t.Fatalf("/echo of a long body: %q and %d bytes", head, len(rest))
	}
}
