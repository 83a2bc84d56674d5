package lessons_test

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// TestMain lets the step tests overlap. They spend their time waiting for
// timers on loopback (idle and header timeouts of 3 to 5 s, a one-at-a-time
// server, a slowloris demo), not on the CPU, but go test runs only
// GOMAXPROCS parallel tests by default: on a 2-core CI box the suite would
// take minutes. An explicit -test.parallel is respected.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "64")
	}
	os.Exit(m.Run())
}

// waitLimit bounds every wait on the network, so a broken check fails the
// test instead of hanging it. The slowest things a test waits for take
// about 5 s (the one-at-a-time server's fifth answer, a 5 s idle timeout);
// the margin is for a loaded machine running the race detector.
const waitLimit = 15 * time.Second

// rig is one step's server on loopback plus what the tui keeps for it: the
// inbox, the OwnClients set and the step's tracker.
//
// A tapped rig (newTapRig) puts a second server with the Forward behavior in
// front of the step's server, as `tubes` does for a learner's own server.
// Clients then talk to the tap, and only the tap's events (FromTap) reach
// the tracker: the server behind it is not instrumented in real use.
type rig struct {
	t       *testing.T
	inbox   *netcore.Inbox
	srv     *netcore.Server
	addr    lessons.Address
	tracker lessons.Tracker
	own     lessons.OwnClients
	events  []netcore.Event
	done    bool
	doneBy  int // index in events of the event that completed the step

	// side is the Source of the server-side events the tracker is fed:
	// FromServer, or FromTap for a tapped rig.
	side netcore.Source
	// behind is the inbox of the step's own server behind the tap; its
	// events are only shown when a test fails.
	behind *netcore.Inbox
}

// newRig listens on localhost:0 with the step's behavior and makes a fresh
// tracker, as entering a step does. The server is shut down at the end.
func newRig(t *testing.T, step lessons.Step) *rig {
	t.Helper()
	return newServerRig(t, step.Behavior, step.Goal)
}

func newServerRig(t *testing.T, b netcore.Behavior, check lessons.Goal) *rig {
	t.Helper()
	return newRigWords(t, b, check, uiEN)
}

// newRigWords is newServerRig with a server that speaks words (the
// course's UIStrings of a language), as session.Open sets it up.
func newRigWords(t *testing.T, b netcore.Behavior, check lessons.Goal, words map[string]string) *rig {
	t.Helper()
	inbox := netcore.NewInbox(4096)
	cfg := defaultsAt("localhost:0")
	cfg.Words = words
	srv := listen(t, cfg, b, inbox)
	r := &rig{t: t, inbox: inbox, srv: srv, addr: lessons.Address{Host: "localhost", Port: srv.Port()}, doneBy: -1, side: netcore.FromServer}
	if check.NewTracker != nil {
		r.tracker = check.NewTracker()
	}
	return r
}

// newTapRig runs the step's behavior on one server and a tap on another in
// front of it; clients are pointed at the tap.
func newTapRig(t *testing.T, step lessons.Step) *rig {
	t.Helper()
	behind := netcore.NewInbox(4096)
	up := listen(t, defaultsAt("127.0.0.1:0"), step.Behavior, behind)
	inbox := netcore.NewInbox(4096)
	target := net.JoinHostPort("127.0.0.1", strconv.Itoa(up.Port()))
	cfg := defaultsAt("127.0.0.1:0")
	cfg.Source = netcore.FromTap
	tap := listen(t, cfg, netcore.Tap{Target: target}, inbox)
	return &rig{t: t, inbox: inbox, srv: tap, addr: lessons.Address{Host: "127.0.0.1", Port: tap.Port()},
		tracker: step.Goal.NewTracker(), doneBy: -1, side: netcore.FromTap, behind: behind}
}

// listen starts a server that is shut down when the test ends. Cleanups run
// last-in first-out, so a tap is shut down before the server behind it.
func listen(t *testing.T, cfg netcore.Config, b netcore.Behavior, sink netcore.Sink) *netcore.Server {
	t.Helper()
	srv, err := netcore.Listen(cfg, b, sink)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
}

// hostPort is what curl and nc are given: "localhost:PORT" (the tap's
// "127.0.0.1:PORT" for a tapped rig).
func (r *rig) hostPort() string { return r.addr.HostPort() }

func (r *rig) tapped() bool { return r.side == netcore.FromTap }

// pump drains the inbox and feeds every event in order, exactly as the tui
// does: note own clients first, then feed the tracker until it is done. A
// tapped rig feeds the tap's events only.
func (r *rig) pump() {
	for _, e := range r.inbox.Drain() {
		r.events = append(r.events, e)
		if r.tapped() && e.Source != netcore.FromTap {
			continue
		}
		r.own.Note(e)
		if r.tracker != nil && !r.done && r.tracker.Feed(e, &r.own) {
			r.done = true
			r.doneBy = len(r.events) - 1
		}
	}
}

// waitFor pumps until cond holds, or fails the test after waitLimit.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	if err := r.await(cond); err != nil {
		r.t.Fatalf("timed out after %v waiting for %s; events:\n%s", waitLimit, what, r.dump())
	}
}

// await pumps until cond holds or waitLimit passes.
func (r *rig) await(cond func() bool) error {
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		r.pump()
		if cond() {
			return nil
		}
		select {
		case <-r.inbox.Wake():
		case <-deadline.C:
			r.pump()
			if cond() {
				return nil
			}
			return errors.New("timed out")
		}
	}
}

// waitDone waits for the step to complete.
func (r *rig) waitDone() {
	r.t.Helper()
	r.waitFor("the step to complete", func() bool { return r.done })
}

// waitCount waits until n events match.
func (r *rig) waitCount(n int, what string, match func(netcore.Event) bool) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%d × %s", n, what), func() bool { return len(r.matching(match)) >= n })
}

func (r *rig) matching(match func(netcore.Event) bool) []netcore.Event {
	var out []netcore.Event
	for _, e := range r.events {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

// on matches the rig's server-side events of kind k: the server's, or the
// tap's for a tapped rig.
func (r *rig) on(k netcore.Kind) func(netcore.Event) bool { return is(r.side, k) }

// settle waits until the server side has seen at least n connections
// (accepted or refused) and every accepted one has closed: the traffic has
// played out.
func (r *rig) settle(n int) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%d connections to come and go", n), func() bool {
		acc, ref, closed := len(r.matching(r.on(netcore.Accepted))), len(r.matching(r.on(netcore.Refused))), len(r.matching(r.on(netcore.Closed)))
		return acc+ref >= n && closed >= acc
	})
}

// assertNotDone fails if the step completed: the negative cases.
func (r *rig) assertNotDone(why string) {
	r.t.Helper()
	r.pump()
	if r.done {
		r.t.Errorf("step completed but should not (%s); completed by event %d of:\n%s", why, r.doneBy, r.dump())
	}
}

// doneEvent is the event that completed the step.
func (r *rig) doneEvent() netcore.Event {
	r.t.Helper()
	if !r.done {
		r.t.Fatalf("step not done; events:\n%s", r.dump())
	}
	return r.events[r.doneBy]
}

func (r *rig) dump() string {
	var b strings.Builder
	for i, e := range r.events {
		mark := "  "
		if i == r.doneBy {
			mark = "▶ "
		}
		b.WriteString(mark + netcore.TranscriptLine(e) + "\n")
	}
	if r.behind != nil {
		b.WriteString("  -- the server behind the tap (not fed to the check):\n")
		for _, e := range r.behind.Drain() {
			b.WriteString("     " + netcore.TranscriptLine(e) + "\n")
		}
	}
	return b.String()
}

// env is what the tui hands an action: the app's client on the same inbox.
func (r *rig) env() lessons.Env {
	return lessons.Env{Client: netcore.NewClient(r.inbox), Addr: r.addr}
}

// runAction runs a step's action as pressing enter does, bounded in time.
func (r *rig) runAction(a lessons.Action) (string, error) {
	return r.runMessage(a, "")
}

// runMessage runs an action with a message the learner typed (key m); its
// note comes back in English, as the lesson pane shows it.
func (r *rig) runMessage(a lessons.Action, msg string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	env := r.env()
	if msg != "" {
		env.Message = []byte(msg)
	}
	note, err := a.Run(ctx, env)
	return note.Text(uiEN), err
}

// uiEN is the English interface strings the notes are read in.
var uiEN = lessons.UIStrings("en")

// mustRun runs a and fails the test on error.
func (r *rig) mustRun(a lessons.Action) string {
	r.t.Helper()
	note, err := r.runAction(a)
	if err != nil {
		r.t.Fatalf("action %s: %v", a.Label, err)
	}
	return note
}

func is(src netcore.Source, k netcore.Kind) func(netcore.Event) bool {
	return func(e netcore.Event) bool { return e.Source == src && e.Kind == k }
}

var (
	serverAccepted = is(netcore.FromServer, netcore.Accepted)
	serverRecv     = is(netcore.FromServer, netcore.Recv)
	serverSent     = is(netcore.FromServer, netcore.Sent)
	serverClosed   = is(netcore.FromServer, netcore.Closed)
	serverRefused  = is(netcore.FromServer, netcore.Refused)
	clientRecv     = is(netcore.FromClient, netcore.Recv)
	clientClosed   = is(netcore.FromClient, netcore.Closed)
)

// Outside clients: plain sockets written here, not netcore.Client, sending
// what the real tools send.

// dialOutside opens a raw connection the way nc or curl would.
func dialOutside(t *testing.T, hostPort string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", hostPort, waitLimit)
	if err != nil {
		t.Fatalf("dial %s: %v", hostPort, err)
	}
	_ = c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dial opens an outside connection to the rig (or its tap).
func (r *rig) dial() net.Conn {
	r.t.Helper()
	return dialOutside(r.t, r.hostPort())
}

// exchange sends req on a new outside connection, reads until the server
// closes, closes too, and returns what came back: curl with a response
// that says Connection: close, or nc until the server hangs up.
func (r *rig) exchange(req string) string {
	r.t.Helper()
	c := r.dial()
	send(r.t, c, req)
	resp := readAll(r.t, c)
	_ = c.Close()
	return resp
}

// curlReq is what curl 8.x sends: `curl -v [-X method] [-H h]... [-d body]
// http://HOST/target`. A body comes, as with -d, with a form Content-Type
// unless a header sets one.
func curlReq(hostPort, method, target, body string, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n", method, target, hostPort)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
		if !strings.Contains(strings.ToLower(strings.Join(headers, "\n")), "content-type:") {
			b.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
		}
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

// curlRequest is what `curl -v http://HOST:PORT/` sends.
func curlRequest(hostPort string) string { return curlReq(hostPort, "GET", "/", "") }

// browserRequest is what a current Firefox sends for a typed-in URL.
func browserRequest(hostPort string) string { return firefoxGet(hostPort, "/") }

func firefoxGet(hostPort, target string, extra ...string) string {
	return "GET " + target + " HTTP/1.1\r\n" +
		"Host: " + hostPort + "\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Connection: keep-alive\r\n" +
		"Upgrade-Insecure-Requests: 1\r\n" +
		"Sec-Fetch-Dest: document\r\n" +
		"Sec-Fetch-Mode: navigate\r\n" +
		"Sec-Fetch-Site: none\r\n" +
		"Sec-Fetch-User: ?1\r\n" +
		strings.Join(append(extra, ""), "\r\n") +
		"\r\n"
}

// firefoxReload is the same page reloaded: Firefox adds a cache check.
func firefoxReload(hostPort string) string {
	return firefoxGet(hostPort, "/", "Cache-Control: max-age=0")
}

// faviconRequest is the tab icon request a browser makes on its own.
func faviconRequest(hostPort string) string {
	return "GET /favicon.ico HTTP/1.1\r\n" +
		"Host: " + hostPort + "\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
		"Accept: image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Connection: keep-alive\r\n" +
		"Referer: http://" + hostPort + "/nope\r\n" +
		"Sec-Fetch-Dest: image\r\n" +
		"Sec-Fetch-Mode: no-cors\r\n" +
		"Sec-Fetch-Site: same-origin\r\n" +
		"\r\n"
}

// chromeRequest is what a current Chromium sends for a typed-in URL; its
// client hints carry quotes and its header names are partly lower case.
func chromeRequest(hostPort string) string {
	return "GET / HTTP/1.1\r\n" +
		"Host: " + hostPort + "\r\n" +
		"Connection: keep-alive\r\n" +
		"sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\n" +
		"sec-ch-ua-mobile: ?0\r\n" +
		"sec-ch-ua-platform: \"Linux\"\r\n" +
		"Upgrade-Insecure-Requests: 1\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n" +
		"Sec-Fetch-Site: none\r\n" +
		"Sec-Fetch-Mode: navigate\r\n" +
		"Sec-Fetch-User: ?1\r\n" +
		"Sec-Fetch-Dest: document\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Accept-Language: en-US,en;q=0.9\r\n" +
		"\r\n"
}

// send writes s on c, failing the test on error.
func send(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// readAll reads until the server closes (or the deadline), as curl does
// with a Connection: close response.
func readAll(t *testing.T, c net.Conn) string {
	t.Helper()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read until close: %v (got %q)", err, b)
	}
	return string(b)
}

// readN reads exactly n bytes, as nc shows a reply.
func readN(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v (got %q)", n, err, b)
	}
	return string(b)
}

// response is one response as an HTTP client reads it: by its
// Content-Length, so the connection may carry the next one.
type response struct {
	status int
	header http.Header
	body   string
}

func readResponse(t *testing.T, br *bufio.Reader, method string) response {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{resp.StatusCode, resp.Header, string(body)}
}

// parseResponse parses a whole response read until close.
func parseResponse(t *testing.T, raw, method string) response {
	t.Helper()
	return readResponse(t, bufio.NewReader(strings.NewReader(raw)), method)
}

// crowd runs n outside clients at once, each sending req and reading until
// the server closes: `for i in 1 2 3 4 5; do curl -s URL & done; wait`.
func (r *rig) crowd(n int, req func(i int) string) []string {
	r.t.Helper()
	out := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", r.hostPort(), waitLimit)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(waitLimit))
			if _, err := io.WriteString(c, req(i)); err != nil {
				errs[i] = err
				return
			}
			b, err := io.ReadAll(c)
			out[i], errs[i] = string(b), err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		r.t.Fatalf("crowd of %d: %v", n, err)
	}
	return out
}

// stepOf returns step "id/N" (N 1-based) of c.
func stepOf(t *testing.T, c *lessons.Course, key string) lessons.Step {
	t.Helper()
	id, n, _ := strings.Cut(key, "/")
	i, err := strconv.Atoi(n)
	li := c.Find(id)
	if err != nil || li < 0 || i < 1 || i > len(c.Lessons[li].Steps) {
		t.Fatalf("no step %s", key)
	}
	return c.Lessons[li].Steps[i-1]
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// defaultsAt is the server users get (DefaultConfig), listening on addr,
// speaking the English course's words as session.Open would give it. A
// test that needs more lifts a limit by name on the copy.
func defaultsAt(addr string) netcore.Config {
	cfg := netcore.DefaultConfig()
	cfg.Addr = addr
	cfg.Words = uiEN
	return cfg
}
