//go:build e2e

// A small DevTools protocol client for headless Chromium, over
// --remote-debugging-pipe (JSON messages ending in a NUL byte, on fds 3
// and 4): it shows what --dump-dom cannot, such as the net error of a
// page whose body broke after its headers came, a page that never
// finishes loading.

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cdpMsg is one message either way: a command, its answer, or an event.
type cdpMsg struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

// browser is one headless Chromium driven over its pipe, with one page.
type browser struct {
	t        *testing.T
	w        *os.File
	in       chan cdpMsg
	deadline time.Time
	next     int
	events   []cdpMsg // every event so far, in order
	page     string   // the page's session id
	stderr   syncBuffer
}

// startBrowser runs headless Chromium with a private profile and home,
// nothing phoning home, and opens one blank page with the Network, Page,
// Log and Runtime domains on. Everything it does must be over by limit:
// past that the test fails, and in any case the browser's whole process
// group is killed when the test ends.
func startBrowser(t *testing.T, chromium string, limit time.Duration) *browser {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-proxy-server", "--disable-breakpad",
		"--user-data-dir="+t.TempDir(),
		"--remote-debugging-pipe", "about:blank")
	cmd.Env = append(inherited(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	toChrome, ourW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ourR, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome} // fds 3 and 4
	b := &browser{t: t, w: ourW, in: make(chan cdpMsg, 256), deadline: time.Now().Add(limit)}
	cmd.Stderr = &b.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	toChrome.Close()
	fromChrome.Close()
	exited, over := make(chan struct{}), make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		close(over)
		// The renderer and GPU helpers are in the group too.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		ourW.Close()
		ourR.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("chromium (pid %d) did not exit within 10s of SIGKILL", cmd.Process.Pid)
		}
	})
	// Neither end may block past the deadline, whatever Chromium does (the
	// reader a little later, so that a timeout is reported as one).
	_ = ourW.SetWriteDeadline(b.deadline)
	_ = ourR.SetReadDeadline(b.deadline.Add(2 * time.Second))
	go func() {
		defer close(b.in)
		r := bufio.NewReader(ourR)
		for {
			line, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m cdpMsg
			if json.Unmarshal(line[:len(line)-1], &m) != nil {
				continue
			}
			select {
			case b.in <- m:
			case <-over:
				return
			}
		}
	}()

	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	b.page = attached.SessionID
	for _, domain := range []string{"Network", "Page", "Log", "Runtime"} {
		b.call(b.page, domain+".enable", map[string]any{}, nil)
	}
	return b
}

// receive returns the next message, failing the test at the deadline.
func (b *browser) receive(waiting string) cdpMsg {
	b.t.Helper()
	select {
	case m, ok := <-b.in:
		if ok {
			return m
		}
		b.t.Fatalf("chromium closed its pipe while the test waited for %s\n%s", waiting, b.dump())
	case <-time.After(time.Until(b.deadline)):
		b.t.Fatalf("chromium gave no %s before the test's deadline\n%s", waiting, b.dump())
	}
	return cdpMsg{}
}

// call sends a command and waits for its answer, decoding its result into
// out (if not nil). Events that come meanwhile are kept.
func (b *browser) call(session, method string, params, out any) {
	b.t.Helper()
	b.next++
	id := b.next
	p, err := json.Marshal(params)
	if err != nil {
		b.t.Fatal(err)
	}
	msg, err := json.Marshal(cdpMsg{ID: id, Method: method, Params: p, SessionID: session})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.w.Write(append(msg, 0)); err != nil {
		b.t.Fatalf("send %s to chromium: %v\n%s", method, err, b.dump())
	}
	for {
		m := b.receive("answer to " + method)
		if m.Method != "" {
			b.events = append(b.events, m)
			continue
		}
		if m.ID != id {
			continue
		}
		if len(m.Error) > 0 {
			b.t.Fatalf("chromium refused %s: %s", method, m.Error)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("%s answered %s: %v", method, m.Result, err)
			}
		}
		return
	}
}

// waitEvent returns the first event, already seen or yet to come, that
// satisfies ok.
func (b *browser) waitEvent(what string, ok func(cdpMsg) bool) cdpMsg {
	b.t.Helper()
	for _, m := range b.events {
		if ok(m) {
			return m
		}
	}
	for {
		m := b.receive(what)
		if m.Method == "" {
			continue
		}
		b.events = append(b.events, m)
		if ok(m) {
			return m
		}
	}
}

// eval runs a JavaScript expression in the page and returns its string value.
func (b *browser) eval(expr string) string {
	b.t.Helper()
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails json.RawMessage `json:"exceptionDetails"`
	}
	b.call(b.page, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r)
	if len(r.ExceptionDetails) > 0 {
		b.t.Fatalf("%s threw: %s", expr, r.ExceptionDetails)
	}
	return r.Result.Value
}

// dump lists the events seen and the tail of Chromium's stderr.
func (b *browser) dump() string {
	var s strings.Builder
	s.WriteString("events:\n")
	for _, m := range b.events {
		p := string(m.Params)
		if len(p) > 300 {
			p = p[:300] + "…"
		}
		fmt.Fprintf(&s, "  %s %s\n", m.Method, p)
	}
	errText := b.stderr.Bytes()
	if len(errText) > 4000 {
		errText = errText[len(errText)-4000:]
	}
	fmt.Fprintf(&s, "chromium stderr (tail):\n%s", errText)
	return s.String()
}

// pageLoad is what became of one navigation of the page's main document.
type pageLoad struct {
	status    int           // the response's status, 0 if none came
	errorText string        // Network.loadingFailed's errorText, "" if it loaded
	took      time.Duration // from the navigation to the end of loading
}

// load navigates the page to url and waits until its document has either
// finished loading or failed, without waiting for a load event (a page
// whose body broke never gets one: that is why --dump-dom hangs on it).
func (b *browser) load(url string) pageLoad {
	b.t.Helper()
	var nav struct {
		LoaderID  string
		ErrorText string
	}
	mark := len(b.events)
	start := time.Now()
	b.call(b.page, "Page.navigate", map[string]any{"url": url}, &nav)
	var pl pageLoad
	if nav.ErrorText != "" {
		// Failed before anything was shown: Chromium's own error page.
		pl.errorText, pl.took = nav.ErrorText, time.Since(start)
		return pl
	}
	// The main document's request id is its loader id.
	type request struct {
		RequestID string
		ErrorText string
		Response  struct{ Status int }
	}
	ofDocument := func(m cdpMsg, methods ...string) (request, bool) {
		var r request
		for _, name := range methods {
			if m.Method == name && json.Unmarshal(m.Params, &r) == nil && r.RequestID == nav.LoaderID {
				return r, true
			}
		}
		return r, false
	}
	end, _ := ofDocument(b.waitEvent("the end of the document's loading", func(m cdpMsg) bool {
		_, ok := ofDocument(m, "Network.loadingFinished", "Network.loadingFailed")
		return ok
	}), "Network.loadingFinished", "Network.loadingFailed")
	pl.errorText, pl.took = end.ErrorText, time.Since(start)
	for _, m := range b.events[mark:] {
		if r, ok := ofDocument(m, "Network.responseReceived"); ok {
			pl.status = r.Response.Status
		}
	}
	return pl
}

// waitConsole waits for the page's console (Log.entryAdded) to show text,
// and fails the test at the deadline if it never does.
func (b *browser) waitConsole(text string) {
	b.t.Helper()
	b.waitEvent("the console line "+text, func(m cdpMsg) bool {
		var e struct{ Entry struct{ Text string } }
		return m.Method == "Log.entryAdded" && json.Unmarshal(m.Params, &e) == nil && e.Entry.Text == text
	})
}
