package tui

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
)

// What a learner does from another terminal, for the steps the app's own
// client cannot do: nc, curl and a browser, as the bytes they send.
const (
	curlGet    = "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
	browserGet = "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36\r\n" +
		"Accept: text/html,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n"
)

// outside holds, per step ("id/N", N from 1), what the learner does
// outside the app. Steps not listed are done with enter.
var outside = map[string]func(t *testing.T, addr string){
	"tcp-accept/2":     func(t *testing.T, a string) { send(t, a, "hi\n", false) },
	"tcp-accept/3":     func(t *testing.T, a string) { send(t, a, curlGet, true) },
	"ping-pong/2":      func(t *testing.T, a string) { send(t, a, "hi\n", false) },
	"http-response/2":  func(t *testing.T, a string) { send(t, a, curlGet, true) },
	"http-response/3":  func(t *testing.T, a string) { send(t, a, browserGet, true) },
	"content-length/2": func(t *testing.T, a string) { send(t, a, curlGet, true) },
	"content-length/3": func(t *testing.T, a string) { send(t, a, curlGet, true) },
	"content-length/4": func(t *testing.T, a string) { send(t, a, curlGet, true) },
	"http-request/2":   func(t *testing.T, a string) { send(t, a, browserGet, true) },
	"http-request/4": func(t *testing.T, a string) { // nc, then nc -C
		send(t, a, "GET / HTTP/1.1\n", true)
		send(t, a, "GET / HTTP/2.0\r\n", true)
		send(t, a, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", true)
	},
	"keep-alive/2": func(t *testing.T, a string) { browserReload(t, a) },
}

// send writes msg from a fresh connection and, with wait, reads until the
// server closes; without, it leaves the connection to the server.
func send(t *testing.T, addr, msg string, wait bool) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Error(err)
	}
	if wait {
		_, _ = io.Copy(io.Discard, c)
	}
}

// browserReload asks twice on one kept-alive connection, as a reload does.
func browserReload(t *testing.T, addr string) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for i := 0; i < 2; i++ {
		if _, err := c.Write([]byte(browserGet)); err != nil {
			t.Error(err)
			return
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// TestWalkTheWholeCourse completes every step of every lesson, in each
// language, through the root model: enter runs the step's real action,
// outside steps use real sockets, and the check decides when it is done.
func TestWalkTheWholeCourse(t *testing.T) {
	if testing.Short() {
		t.Skip("the walk takes about 40 s of real timeouts")
	}
	for _, lang := range lessons.Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			r := newRigLang(t, lang, "tcp-accept")
			r.size(120, 40)
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port()))
			for _, l := range r.m.d.Course.Lessons {
				for si := range l.Steps {
					key := l.ID + "/" + strconv.Itoa(si+1)
					if r.m.current().ID != l.ID || r.m.step != si {
						t.Fatalf("expected to be at %s, at %s/%d", key, r.m.current().ID, r.m.step+1)
					}
					if l.Steps[si].YourTurn() { // built, not walked: yourturn_test.go
						r.press(keyRune('n'))
						continue
					}
					done := make(chan tea.Msg, 1)
					switch {
					case outside[key] != nil:
						go func() { outside[key](t, addr); done <- nil }()
					case key == "ping-pong/3":
						r.press(keyRune('m'))
						for _, c := range "안녕 tubes!" {
							r.press(keyRune(c))
						}
						cmd := r.press(keyEnter)
						go func() { done <- cmd() }()
					default:
						cmd := r.press(keyEnter)
						if cmd == nil {
							t.Fatalf("%s: enter started nothing", key)
						}
						go func() { done <- cmd() }()
					}
					r.flushWithin(t, 20*time.Second, r.m.stepDone)
					select {
					case msg := <-done:
						if msg != nil {
							r.m.Update(msg)
						}
					case <-time.After(20 * time.Second):
						t.Fatalf("%s: the action did not finish", key)
					}
					r.press(keyRune('n'))
				}
			}
			for _, l := range r.m.d.Course.Lessons {
				for si := range l.Steps {
					if !r.m.d.Progress.IsDone(l.ID, si) && !l.Steps[si].YourTurn() {
						t.Errorf("%s/%d not recorded as done", l.ID, si+1)
					}
				}
			}
		})
	}
}
