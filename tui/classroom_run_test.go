package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// A class of 25 on distinct loopback addresses and two troublemakers, run
// from a projector at 80×24 with the real pieces (session.Open, the room
// page, the live backend, the recorder): the students name themselves on
// the room page and do the step, the board counts them, the teacher holds
// one named student's reply, and the recording prints as it happened.
func TestClassroomAt80x24(t *testing.T) {
	t.Setenv("TUBES_STATE_DIR", t.TempDir())
	rec := filepath.Join(t.TempDir(), "class.jsonl")
	o := session.NewOptions()
	fs := pflag.NewFlagSet("tubes", pflag.ContinueOnError)
	o.BindServer(fs)
	o.BindLesson(fs, true)
	o.BindLang(fs)
	if err := fs.Parse([]string{"--listen", "127.0.0.1:0", "--room-port", "0", "--lesson", "ping-pong", "--step", "2",
		"--record", rec, "--lang", "en", "--max-conns-per-ip", "0", "--conn-rate", "0"}); err != nil {
		t.Fatal(err)
	}
	w, err := session.Open(o, session.WithServer, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	shut := sync.OnceFunc(w.Shutdown)
	t.Cleanup(shut)
	if w.Room == nil {
		t.Fatal("--room-port should open the room")
	}
	client := netcore.NewClient(w.Sink)
	t.Cleanup(client.CloseAll)
	m := newCourseModel(w, o, client)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	out := &screenLog{r: tm.Output()}
	lesson := net.JoinHostPort("127.0.0.1", strconv.Itoa(w.Server.Port()))
	roomURL := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(w.Room.Port())) + "/"
	out.waitFor(t, "the room address in the status line", roomURL)

	// The class names itself on the room page, each from its own address.
	var wg sync.WaitGroup
	for i := 101; i <= 125; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nameYourself(t, fmt.Sprintf("127.0.0.%d", i), roomURL, fmt.Sprintf("Student-%d", i))
		}()
	}
	wg.Wait()
	// Two troublemakers: one floods, one holds a connection silent.
	flood := make(chan struct{})
	go func() {
		defer close(flood)
		for range 40 {
			c := dialAs(t, "127.0.0.150", lesson)
			_, _ = c.Write(bytes.Repeat([]byte("spam\n"), 50))
			_ = c.Close()
		}
	}()
	silent := dialAs(t, "127.0.0.151", lesson)
	defer silent.Close()
	// Every student does the step: a reply to their own connection.
	for i := 101; i <= 125; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := pingAs(t, fmt.Sprintf("127.0.0.%d", i), lesson); got != string(behaviors.PongReply) {
				t.Errorf("student %d got %q", i, got)
			}
		}()
	}
	wg.Wait()
	<-flood
	time.Sleep(300 * time.Millisecond) // a flush tick or two
	tm.Send(keyRune('b'))
	// 25 students and the flooder were answered; the silent one was not.
	out.waitFor(t, "the board's count", "26/27")
	tm.Send(keyEsc)

	// The teacher holds Student-103's next reply from the who-panel: the
	// rows are everyone, 127.0.0.150, 127.0.0.151, then the names in order.
	tm.Send(keyRune('w'))
	out.waitFor(t, "the who-panel", "Student-101")
	for range 5 {
		tm.Send(keyRune('j'))
	}
	tm.Send(keyRune('i'))
	waitUntil(t, "the hold armed for 127.0.0.103", func() bool { return w.Server.Hold().For.String() == "127.0.0.103" })
	out.waitFor(t, "the armed hold named", "Student-103")
	got := make(chan string, 1)
	go func() { got <- pingAs(t, "127.0.0.103", lesson) }()
	waitUntil(t, "the reply held", func() bool { return w.Server.Hold().Conn != 0 })
	out.waitFor(t, "the hold's banner", "Holding")
	select {
	case r := <-got:
		t.Fatalf("the held student got a reply before the release: %q", r)
	case <-time.After(300 * time.Millisecond):
	}
	tm.Send(keyEnter)
	if r := <-got; r != string(behaviors.PongReply) {
		t.Fatalf("after the release the student got %q", r)
	}
	// On to the next step (a demo): the app's own client does it.
	tm.Send(keyRune('n'))
	out.waitFor(t, "step 3", "3/4")
	tm.Send(keyEnter)
	time.Sleep(1500 * time.Millisecond) // the client's exchange: it shows in the events tab, checked in the recording
	tm.Send(keyRune('q'))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	shut()

	r, err := netcore.OpenRecording(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var plain strings.Builder
	if err := PrintRecording(&plain, r, false); err != nil {
		t.Fatal(err)
	}
	text := plain.String()
	for _, want := range []string{"step changed to ping-pong step 2", "step changed to ping-pong step 3",
		"accepted 127.0.0.103:", "client #1 connected", "client #1 recv 18 B", "reply held on #"} {
		if !strings.Contains(text, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Index(text, "step 2") > strings.Index(text, "step changed to ping-pong step 3") {
		t.Error("the step changes are out of order")
	}
	if t.Failed() {
		t.Logf("transcript head:\n%.3000s", text)
	}
}

// screenLog collects the program's output, so each wait sees all of it.
type screenLog struct {
	r   io.Reader
	buf bytes.Buffer
}

func (s *screenLog) waitFor(t *testing.T, what, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	chunk := make([]byte, 64<<10)
	for time.Now().Before(deadline) {
		n, _ := s.r.Read(chunk)
		s.buf.Write(chunk[:n])
		if i := bytes.Index(s.buf.Bytes(), []byte(want)); i >= 0 {
			s.buf.Next(i + len(want)) // the next wait looks at what comes after
			return
		}
		if n == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Fatalf("%s: %q never showed", what, want)
}

func dialAs(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", src, err)
	}
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	return c
}

// pingAs sends one line from src and returns the reply.
func pingAs(t *testing.T, src, addr string) string {
	c := dialAs(t, src, addr)
	defer c.Close()
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err.Error()
	}
	buf := make([]byte, len(behaviors.PongReply))
	n, err := io.ReadFull(c, buf)
	if err != nil {
		return fmt.Sprintf("%q %v", buf[:n], err)
	}
	return string(buf)
}

// nameYourself posts a name to the room page as the room's form does.
func nameYourself(t *testing.T, src, room, name string) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, room+"name", strings.NewReader(url.Values{"name": {name}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("%s: %s", name, resp.Status)
	}
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within 15s", what)
}
