// loadgen is a bounded load generator for tubes' performance scripts. It
// talks to loopback only, stops by itself after -duration or -count,
// whichever comes first, and prints what it achieved on its last line:
//
//	loadgen: http 123456 conns in 10.00s = 12345 conns/s, 0 errors
//
// Modes:
//
//	http    one connection per request, as fast as it can: connect, send a
//	        GET, read the whole response until the server closes, close.
//	upload  one connection to a ping-pong server: send -bytes, reading
//	        (and dropping) the replies meanwhile, then close.
//
//	go run ./.ci/perf/loadgen -addr 127.0.0.1:3000 -duration 10s
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// maxDuration bounds every run, whatever the flags say.
const maxDuration = 30 * time.Minute

// stopEarly is set by SIGINT or SIGTERM.
var stopEarly atomic.Bool

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "server address; must be loopback")
	mode := flag.String("mode", "http", "http or upload")
	duration := flag.Duration("duration", 10*time.Second, "stop after this long")
	count := flag.Int64("count", 0, "http: stop after this many connections (0: only -duration bounds it)")
	workers := flag.Int("c", 32, "http: connections in flight at once")
	size := flag.Int64("bytes", 1<<30, "upload: bytes to send")
	progress := flag.Duration("progress", 0, "print a progress line this often (0: never)")
	flag.Parse()

	if err := checkLoopback(*addr); err != nil {
		fail(err)
	}
	d := min(*duration, maxDuration)
	// SIGINT or SIGTERM end the run early, and the summary still prints:
	// the scripts stop the load once they have measured what they need.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; stopEarly.Store(true) }()
	switch *mode {
	case "http":
		runHTTP(*addr, d, *count, *workers, *progress)
	case "upload":
		runUpload(*addr, d, *size, *progress)
	default:
		fail(fmt.Errorf("unknown -mode %q: want http or upload", *mode))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(2)
}

// checkLoopback refuses any address that is not this machine's loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address; loadgen only loads this machine", addr)
}

// Source addresses 127.0.0.2–127.0.0.251, in turn. The server sends the
// first FIN, so each closed connection waits in TIME_WAIT on its side for
// a minute; from one source address, tens of thousands of connections a
// second soon reuse a port the server still remembers, and such a SYN
// stalls for a second. Spreading over source addresses keeps every
// connection's address pair fresh. Only for IPv4 loopback targets.
var dialers = func() (ds [250]net.Dialer) {
	for i := range ds {
		ds[i].LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}
		ds[i].Timeout = 5 * time.Second
	}
	return ds
}()

func dial(addr string, n uint64) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil {
		return dialers[n%uint64(len(dialers))].Dial("tcp4", addr)
	}
	return net.DialTimeout("tcp", addr, 5*time.Second)
}

func runHTTP(addr string, d time.Duration, count int64, workers int, progress time.Duration) {
	req := []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: tubes-loadgen\r\nAccept: */*\r\n\r\n")
	var started, done, errs atomic.Int64
	var firstErr atomic.Value
	stop := time.Now().Add(d)
	begin := time.Now()
	stopProgress := every(progress, func() {
		fmt.Fprintf(os.Stderr, "loadgen: %d conns, %d errors, %.0fs\n", done.Load(), errs.Load(), time.Since(begin).Seconds())
	})
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 4096)
			for time.Now().Before(stop) && !stopEarly.Load() {
				n := started.Add(1)
				if count > 0 && n > count {
					return
				}
				if err := oneRequest(addr, uint64(n), req, buf); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
					// A refused or failing server: do not spin on it.
					time.Sleep(10 * time.Millisecond)
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	stopProgress()
	el := time.Since(begin)
	if err, ok := firstErr.Load().(error); ok {
		fmt.Fprintln(os.Stderr, "loadgen: first error:", err)
	}
	fmt.Printf("loadgen: http %d conns in %.2fs = %.0f conns/s, %d errors\n",
		done.Load(), el.Seconds(), float64(done.Load())/el.Seconds(), errs.Load())
}

func oneRequest(addr string, n uint64, req, buf []byte) error {
	c, err := dial(addr, n)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(req); err != nil {
		return err
	}
	got := 0
	for {
		k, err := c.Read(buf)
		got += k
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if got == 0 {
		return errors.New("empty response")
	}
	return nil
}

func runUpload(addr string, d time.Duration, size int64, progress time.Duration) {
	c, err := dial(addr, 0)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(d))
	// Read the replies as they come: a server whose replies nobody reads
	// stops reading too, once the socket buffers fill.
	var got atomic.Int64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		n, _ := io.Copy(io.Discard, c)
		got.Store(n)
	}()
	var sent atomic.Int64
	begin := time.Now()
	stopProgress := every(progress, func() {
		fmt.Fprintf(os.Stderr, "loadgen: %d MB sent, %.0fs\n", sent.Load()>>20, time.Since(begin).Seconds())
	})
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'a' + byte(i%26)
	}
	for sent.Load() < size && !stopEarly.Load() {
		n, err := c.Write(chunk[:min(int64(len(chunk)), size-sent.Load())])
		sent.Add(int64(n))
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: write:", err)
			break
		}
	}
	el := time.Since(begin)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	<-readDone
	stopProgress()
	fmt.Printf("loadgen: upload %d bytes in %.2fs = %.0f MB/s, %d bytes of replies\n",
		sent.Load(), el.Seconds(), float64(sent.Load())/1e6/el.Seconds(), got.Load())
	if sent.Load() < size {
		os.Exit(1)
	}
}

// every runs f every period until the returned stop is called; a zero
// period runs nothing.
func every(period time.Duration, f func()) (stop func()) {
	if period <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	t := time.NewTicker(period)
	go func() {
		for {
			select {
			case <-t.C:
				f()
			case <-done:
				return
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}
