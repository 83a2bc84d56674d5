package lessons_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// After any amount of traffic a normal request is still shown and still
// completes its step: the display budget bounds the bytes held at once,
// not the bytes ever seen, and the step's check does not read what the
// screen keeps. The flood is 560 POSTs of 64 KiB (35 MiB, more than the
// old lifetime budget of 32 MiB) spread over 8 loopback addresses so the
// default per-address rate lets it through in a few seconds; a second run
// lowers CaptureTotal to 256 KiB so the flood is 140 times the budget.
func TestCaptureFloodThenStepCompletes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int64
	}{{"default budget", 0}, {"budget 256 KiB", 256 << 10}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			floodThenRoute(t, tc.total)
		})
	}
}

func floodThenRoute(t *testing.T, total int64) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	step := course.Lessons[course.Find("routing")].Steps[0]
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	if total > 0 {
		cfg.CaptureTotal = total
	}
	inbox := netcore.NewInbox(20000) // the app's inbox
	srv := listen(t, cfg, step.Behavior, inbox)
	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(srv.Port()))
	r := &rig{t: t, inbox: inbox, srv: srv, addr: lessons.Address{Host: "127.0.0.1", Port: srv.Port()},
		tracker: step.Goal.NewTracker(), doneBy: -1, side: netcore.FromServer}

	const posts, size, addrs = 560, 64 << 10, 8
	body := bytes.Repeat([]byte("f"), size)
	post := []byte(fmt.Sprintf("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", size, body))
	var wg sync.WaitGroup
	errs := make(chan error, posts)
	for a := 0; a < addrs; a++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprintf("127.0.0.%d", 40+a)
			if total > 0 {
				src = fmt.Sprintf("127.0.0.%d", 50+a)
			}
			for i := 0; i < posts/addrs; i++ {
				if err := postOnce(src, addr, post); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	flooded := make(chan struct{})
	go func() { wg.Wait(); close(flooded) }()
	// Drain while the flood runs, as the screen does.
	for waiting := true; waiting; {
		select {
		case <-flooded:
			waiting = false
		case <-time.After(30 * time.Millisecond):
		}
		r.pump()
	}
	close(errs)
	for err := range errs {
		t.Fatalf("flood: %v", err)
	}
	r.settle(posts)
	if r.done {
		t.Fatalf("the flood of POST /echo completed the GET / step")
	}
	if in := srv.Totals().BytesIn; in < posts*size {
		t.Fatalf("the flood sent %d bytes", in)
	}

	// Now one normal request.
	before := len(r.events)
	if _, err := r.runAction(step.Action); err != nil {
		t.Fatalf("the step's action: %v", err)
	}
	r.waitDone()
	var got []byte
	for _, e := range r.events[before:] {
		if e.Source == netcore.FromServer && e.Kind == netcore.Recv {
			got = append(got, e.Data...)
		}
	}
	if !strings.HasPrefix(string(got), "GET / HTTP/1.1\r\n") {
		t.Fatalf("the normal request's bytes were not kept for display: %q", got)
	}
}

// postOnce sends one request from src and reads the answer to the end.
func postOnce(src, addr string, req []byte) error {
	d := net.Dialer{Timeout: waitLimit, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	for try := 0; ; try++ {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return err
		}
		_ = c.SetDeadline(time.Now().Add(waitLimit))
		_, err = c.Write(req)
		var reply []byte
		if err == nil {
			reply, err = io.ReadAll(c)
		}
		_ = c.Close()
		if err == nil && bytes.HasPrefix(reply, []byte("HTTP/1.1 200")) {
			return nil
		}
		// Refused by the per-address rate: wait for the budget, try again.
		if try > 200 {
			return fmt.Errorf("POST from %s: %v %q", src, err, reply[:min(len(reply), 40)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
