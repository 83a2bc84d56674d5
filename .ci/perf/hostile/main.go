// hostile plays a hostile room against tubes for .ci/perf/hostile.sh. It
// talks to loopback only, from source addresses 127.0.0.30 and up, opens a
// bounded number of connections, stops by itself, and prints its figures
// on lines that start with "hostile:".
//
// Modes:
//
//	refusal  a student at 127.0.0.31 sends -n GET requests, first alone,
//	         then while 127.0.0.30 opens -flood connections (far past its
//	         limits) and holds them open; prints the student's p50 and
//	         p99 in both phases.
//	bodies   -addrs addresses × -per connections each send a header with
//	         Content-Length: 1 MiB and all of the body but its last KiB,
//	         then hold the connections open for -hold.
//
//	go run ./.ci/perf/hostile -addr 127.0.0.1:3000 -mode refusal
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "server address; must be loopback")
	mode := flag.String("mode", "refusal", "refusal or bodies")
	n := flag.Int("n", 60, "refusal: the student's requests per phase")
	flood := flag.Int("flood", 3000, "refusal: connections the flooding address opens")
	addrs := flag.Int("addrs", 8, "bodies: source addresses")
	per := flag.Int("per", 32, "bodies: connections per address")
	hold := flag.Duration("hold", 5*time.Second, "bodies: how long to hold the connections open")
	flag.Parse()
	if err := checkLoopback(*addr); err != nil {
		fail(err)
	}
	switch *mode {
	case "refusal":
		refusal(*addr, min(*n, 1000), min(*flood, 10000))
	case "bodies":
		bodies(*addr, min(*addrs, 20), min(*per, 64), min(*hold, time.Minute))
	default:
		fail(fmt.Errorf("unknown -mode %q: want refusal or bodies", *mode))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(2)
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address", addr)
	}
	return nil
}

func dialFrom(src, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	return d.Dial("tcp", addr)
}

// student times n requests, each a new connection read to its end, 100 ms
// apart: 10 a second, within the default per-address rate.
func student(addr string, n int) ([]time.Duration, error) {
	var took []time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		c, err := dialFrom("127.0.0.31", addr)
		if err != nil {
			return nil, err
		}
		_ = c.SetDeadline(time.Now().Add(15 * time.Second))
		_, err = c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: hostile-student\r\n\r\n"))
		var reply []byte
		if err == nil {
			reply, err = io.ReadAll(c)
		}
		_ = c.Close()
		if err != nil || !bytes.HasPrefix(reply, []byte("HTTP/1.1 200")) {
			return nil, fmt.Errorf("request %d after %v: %v %q", i, time.Since(start), err, reply[:min(len(reply), 30)])
		}
		took = append(took, time.Since(start))
		time.Sleep(100 * time.Millisecond)
	}
	return took, nil
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func refusal(addr string, n, flood int) {
	alone, err := student(addr, n)
	if err != nil {
		fail(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var held []net.Conn
	opened := 0
	for w := 0; w < 30; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < flood/30; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if c, err := dialFrom("127.0.0.30", addr); err == nil {
					mu.Lock()
					held = append(held, c) // no FIN until the end
					opened++
					mu.Unlock()
				}
				time.Sleep(20 * time.Millisecond) // 30 workers: about 1,500 a second
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	during, err := student(addr, n)
	close(stop)
	wg.Wait()
	for _, c := range held {
		_ = c.Close()
	}
	if err != nil {
		fail(fmt.Errorf("during the flood: %v", err))
	}
	fmt.Printf("hostile: refusal alone p50 %.2f ms p99 %.2f ms\n", ms(pct(alone, 50)), ms(pct(alone, 99)))
	fmt.Printf("hostile: refusal flood p50 %.2f ms p99 %.2f ms (%d connections from 127.0.0.30)\n", ms(pct(during, 50)), ms(pct(during, 99)), opened)
	fmt.Printf("hostile: refusal p99 flood/alone %.2f\n", float64(pct(during, 99))/float64(pct(alone, 99)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func bodies(addr string, addrs, per int, hold time.Duration) {
	const bodyLen = 1 << 20
	head := []byte(fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", bodyLen))
	body := bytes.Repeat([]byte("a"), bodyLen-1024)
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	var errs []error
	for a := 0; a < addrs; a++ {
		for i := 0; i < per; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := dialFrom(fmt.Sprintf("127.0.0.%d", 30+a), addr)
				if err == nil {
					mu.Lock()
					conns = append(conns, c)
					mu.Unlock()
					_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
					if _, err = c.Write(head); err == nil {
						_, err = c.Write(body)
					}
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	sent := time.Since(start)
	fmt.Printf("hostile: bodies %d connections sent %d MiB in %.2f s, %d errors\n", len(conns)-len(errs), len(conns)*len(body)>>20, sent.Seconds(), len(errs))
	for _, err := range errs[:min(len(errs), 3)] {
		fmt.Fprintln(os.Stderr, "hostile:", err)
	}
	time.Sleep(hold)
	for _, c := range conns {
		_ = c.Close()
	}
	if len(errs) > 0 && !errors.Is(errs[0], os.ErrDeadlineExceeded) {
		os.Exit(1)
	}
}
