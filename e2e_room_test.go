//go:build e2e

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/room"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The room page in a real browser: headless Chromium opens it, reads the
// step the teacher's screen shows, and its live stream brings in the
// browser's own traffic to the lesson server, escaped, and nobody else's.
// (main does not wire the room yet, so the test runs it in-process, wired
// as main will: the lesson server's events teed to the inbox and the room.)
func TestRoomPageInChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser")
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	inbox := netcore.NewInbox(10000)
	rm := room.New(room.Config{Lang: "en"})
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	srv, err := netcore.Listen(cfg, behaviors.PingPong{Idle: 10 * time.Second}, netcore.Tee{inbox, rm})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	if err := rm.Listen("127.0.0.1:" + strconv.Itoa(room.PortFor(srv.Port()))); err != nil {
		if err := rm.Listen("127.0.0.1:0"); err != nil { // the next port was taken
			t.Fatal(err)
		}
	}
	defer rm.Close()
	pp := course.Lessons[course.Find("ping-pong")]
	rm.SetStep(pp, 1)

	// An open event stream is a fetch that never ends, and Chromium's
	// virtual time stands still while fetches are pending, so
	// --virtual-time-budget with --dump-dom never returns here. The test
	// drives Chromium over its DevTools pipe instead and reads the live DOM.
	page := openChromium(t, chromium, "http://127.0.0.1:"+strconv.Itoa(rm.Port())+"/")
	waitFor(t, 30*time.Second, "Chromium's live stream", func() bool { return rm.Streams() == 1 }, func() string { return page.dom() })

	// The browser's own address is 127.0.0.1; another student's is .62.
	ping := func(local, msg string) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", srv.Addrs()[0].String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte(msg))
		buf := make([]byte, 64)
		c.Read(buf)
	}
	ping("127.0.0.62", "someone else")
	ping("127.0.0.1", "mine <script>alert(1)</script>\x1b[2J")
	var dom string
	waitFor(t, 15*time.Second, "the browser's own traffic in the DOM", func() bool {
		dom = page.dom()
		return strings.Contains(dom, "closed by client")
	}, func() string { return dom })
	rm.SetStep(pp, 2)
	waitFor(t, 15*time.Second, "the next step in the DOM", func() bool {
		return strings.Contains(page.dom(), "<h1>Say it your way</h1>")
	}, func() string { return page.dom() })
	for _, want := range []string{
		"<h1>Play ping-pong by hand</h1>",
		"nc 127.0.0.1 " + strconv.Itoa(srv.Port()),
		"accepted 127.0.0.1:",
		`mine &lt;script&gt;alert(1)&lt;/script&gt;\x1b[2J`,
		"Hello client! 🎉",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page in Chromium lacks %q", want)
		}
	}
	if strings.Contains(dom, "someone else") || strings.Contains(dom, "127.0.0.62") {
		t.Errorf("another student's traffic is on this page")
	}
	if strings.Contains(dom, "<script>alert") || strings.Contains(dom, "\x1b") {
		t.Errorf("hostile bytes reached the DOM raw")
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}
}

// chromiumPage is a page in headless Chromium, driven over the DevTools
// protocol on a pipe (fd 3 in, fd 4 out; messages end in a NUL byte).
type chromiumPage struct {
	t       *testing.T
	in      *os.File
	out     *bufio.Reader
	session string
	id      int
}

// openChromium starts Chromium with a private profile and home, no proxy
// and nothing phoning home, and opens url; it ends with the test.
func openChromium(t *testing.T, chromium, url string) *chromiumPage {
	t.Helper()
	toChrome, ourEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChrome, theirEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-proxy-server", "--disable-breakpad",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.Env = append(inherited(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	cmd.ExtraFiles = []*os.File{toChrome, theirEnd}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	theirEnd.Close()
	t.Cleanup(func() {
		ourEnd.Close()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		fromChrome.Close()
	})
	p := &chromiumPage{t: t, in: ourEnd, out: bufio.NewReader(fromChrome)}
	var created struct {
		TargetID string `json:"targetId"`
	}
	p.call("", "Target.createTarget", map[string]any{"url": url}, &created)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	p.call("", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}, &attached)
	p.session = attached.SessionID
	return p
}

// call sends one command and waits (bounded) for its answer, skipping
// the events Chromium sends meanwhile.
func (p *chromiumPage) call(session, method string, params any, result any) {
	p.t.Helper()
	p.id++
	msg := map[string]any{"id": p.id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := p.in.Write(append(b, 0)); err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	type answer struct {
		ID     int             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	got := make(chan answer, 1)
	failed := make(chan error, 1)
	go func() {
		for {
			raw, err := p.out.ReadBytes(0)
			if err != nil {
				failed <- err
				return
			}
			var a answer
			if json.Unmarshal(raw[:len(raw)-1], &a) == nil && a.ID == p.id {
				got <- a
				return
			}
		}
	}()
	select {
	case a := <-got:
		if a.Error != nil {
			p.t.Fatalf("%s: %s", method, a.Error.Message)
		}
		if result != nil {
			if err := json.Unmarshal(a.Result, result); err != nil {
				p.t.Fatalf("%s: %v", method, err)
			}
		}
	case err := <-failed:
		p.t.Fatalf("%s: the DevTools pipe: %v", method, err)
	case <-time.After(20 * time.Second):
		p.t.Fatalf("%s: no answer from Chromium within 20s", method)
	}
}

// dom is the page's document as it is now, scripts' changes included.
func (p *chromiumPage) dom() string {
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	p.call(p.session, "Runtime.evaluate", map[string]any{"expression": "document.documentElement.outerHTML", "returnByValue": true}, &r)
	return r.Result.Value
}
