package room

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

// student is a simulated device in the classroom: everything it dials
// leaves from its own loopback address.
type student struct {
	ip     string
	client *http.Client
}

func newStudent(ip string) student {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, Proxy: nil, DisableKeepAlives: true}
	return student{ip: ip, client: &http.Client{
		Transport: tr,
		// The name form answers 303; the tests look at that answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// dial connects to addr from the student's address.
func (s student) dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(s.ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("%s dials %s: %v", s.ip, addr, err)
	}
	return c
}

func (s student) addr() net.Addr { return &net.TCPAddr{IP: net.ParseIP(s.ip), Port: 1} }

func (s student) netip() netip.Addr { return netip.MustParseAddr(s.ip) }

// sse is one open /events stream, read event by event.
type sse struct {
	t      *testing.T
	resp   *http.Response
	r      *bufio.Reader
	cancel context.CancelFunc
}

type sseEvent struct{ name, data string }

// openSSE opens the live stream; it fails t unless the answer is want.
func (s student) openSSE(t *testing.T, base string, want int) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events", nil)
	resp, err := s.client.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("%s GET /events: %v", s.ip, err)
	}
	if resp.StatusCode != want {
		resp.Body.Close()
		cancel()
		t.Fatalf("%s GET /events: %s, want %d", s.ip, resp.Status, want)
	}
	st := &sse{t: t, resp: resp, r: bufio.NewReader(resp.Body), cancel: cancel}
	t.Cleanup(st.close)
	return st
}

func (st *sse) close() { st.cancel(); st.resp.Body.Close() }

// next reads one event, or fails after limit.
func (st *sse) next(limit time.Duration) (sseEvent, error) {
	type res struct {
		ev  sseEvent
		err error
	}
	done := make(chan res, 1)
	go func() {
		var ev sseEvent
		var data []string
		for {
			line, err := st.r.ReadString('\n')
			if err != nil {
				done <- res{err: err}
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				if ev.name != "" || data != nil {
					ev.data = strings.Join(data, "\n")
					done <- res{ev: ev}
					return
				}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	select {
	case r := <-done:
		return r.ev, r.err
	case <-time.After(limit):
		st.close() // ends the reader goroutine too
		return sseEvent{}, fmt.Errorf("no event within %s", limit)
	}
}

// until reads events until one satisfies ok, returning everything read.
func (st *sse) until(what string, limit time.Duration, ok func(sseEvent) bool) []sseEvent {
	st.t.Helper()
	var seen []sseEvent
	end := time.Now().Add(limit)
	for {
		ev, err := st.next(time.Until(end))
		if err != nil {
			st.t.Fatalf("waiting for %s: %v; saw %q", what, err, seen)
		}
		seen = append(seen, ev)
		if ok(ev) {
			return seen
		}
	}
}

// startRoom listens on loopback and closes with the test.
func startRoom(t *testing.T, cfg Config) (*Room, string) {
	t.Helper()
	r := New(cfg)
	if err := r.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r, fmt.Sprintf("http://127.0.0.1:%d", r.Port())
}

// course loads the real course text.
func course(t *testing.T, lang, id string) lessons.Lesson {
	t.Helper()
	c, err := lessons.Load(lang)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Find(id)
	if i < 0 {
		t.Fatalf("no lesson %s", id)
	}
	return c.Lessons[i]
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	_, err := bufio.NewReader(resp.Body).WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
