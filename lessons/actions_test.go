package lessons_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

func TestActionSendHello(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, behaviors.PingPong{Idle: 10 * time.Second}, lessons.Goal{})
	if _, err := r.runAction(lessons.SendHello); err != nil {
		t.Fatalf("SendHello: %v", err)
	}
	// The action reads the reply and then closes its connection.
	r.waitCount(1, "client close", clientClosed)
	// The literal strings are what the lesson text talks about, byte counts
	// included (18 each), so pin them here, not just the variables.
	if got := string(joined(r, netcore.Sent)); got != "Hello server! 🎈" {
		t.Errorf("client sent %q", got)
	}
	if got := string(joined(r, netcore.Recv)); !strings.Contains(got, "Hello client! 🎉") {
		t.Errorf("client received %q", got)
	}
	if len(behaviors.HelloMessage) != 18 || len(behaviors.PongReply) != 18 {
		t.Errorf("message sizes %d and %d, the lesson says 18 bytes each", len(behaviors.HelloMessage), len(behaviors.PongReply))
	}
	// The server saw the same bytes on its side.
	r.waitCount(1, "server recv", serverRecv)
	if got := received(r); got != string(behaviors.HelloMessage) {
		t.Errorf("server received %q", got)
	}
	if !lessons.SendHello.TakesMessage {
		t.Error("SendHello does not take a typed message")
	}
}

// A message the learner typed replaces the default, byte for byte.
func TestActionSendHelloTypedMessage(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, behaviors.PingPong{Idle: 10 * time.Second}, lessons.Goal{})
	if _, err := r.runMessage(lessons.SendHello, "안녕 🌍"); err != nil {
		t.Fatal(err)
	}
	r.waitCount(1, "client close", clientClosed)
	if got := joined(r, netcore.Sent); string(got) != "안녕 🌍" || len(got) != 11 {
		t.Errorf("client sent %q (%d bytes)", got, len(got))
	}
	if got := joined(r, netcore.Recv); !bytes.Equal(got, behaviors.PongReply) {
		t.Errorf("client received %q", got)
	}
}

func TestActionGet(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, behaviors.HTTPHello{Idle: 10 * time.Second}, lessons.Goal{})
	if _, err := r.runAction(lessons.Get("/")); err != nil {
		t.Fatalf("Get: %v", err)
	}
	r.waitCount(1, "client close", clientClosed)

	// What was sent is a valid request for this server, per net/http.
	sent := joined(r, netcore.Sent)
	if !bytes.Equal(sent, lessons.RequestFor(r.hostPort())) {
		t.Errorf("sent %q, want RequestFor(%s)", sent, r.hostPort())
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(sent)))
	if err != nil {
		t.Fatalf("the app's request does not parse: %v", err)
	}
	if req.Method != "GET" || req.URL.Path != "/" || req.Host != r.hostPort() || !req.Close {
		t.Errorf("request %s %s Host=%q close=%v", req.Method, req.URL, req.Host, req.Close)
	}
	// The request the http-response text shows, with {{addr}} filled in.
	if want := "GET / HTTP/1.1\r\nHost: " + r.hostPort() + "\r\nConnection: close\r\n\r\n"; string(sent) != want {
		t.Errorf("sent %q, the lesson shows %q", sent, want)
	}

	// What came back is the whole 200 response, body included.
	got := joined(r, netcore.Recv)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), req)
	if err != nil {
		t.Fatalf("reply %q does not parse: %v", got, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	if resp.StatusCode != 200 || string(body) != behaviors.HelloBody {
		t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, behaviors.HelloBody)
	}
}

// Request sends a body with its length and type, and net/http agrees.
func TestActionRequestWithBody(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, behaviors.HTTPEcho{Idle: 10 * time.Second}, lessons.Goal{})
	if _, err := r.runAction(lessons.Request("POST", "/form", "application/x-www-form-urlencoded", []byte("name=tubes&lesson=7"))); err != nil {
		t.Fatal(err)
	}
	r.waitCount(1, "client close", clientClosed)
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(joined(r, netcore.Sent))))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if req.Method != "POST" || req.URL.Path != "/form" || req.ContentLength != 19 || string(body) != "name=tubes&lesson=7" ||
		req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("request %s %s length %d type %q body %q", req.Method, req.URL, req.ContentLength, req.Header.Get("Content-Type"), body)
	}
	if got := string(joined(r, netcore.Recv)); !strings.Contains(got, "Body: 19 bytes\nname=tubes&lesson=7\n") {
		t.Errorf("echo page %q", got)
	}
}

func TestActionConnect(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, behaviors.AcceptOnly{Idle: 30 * time.Second}, lessons.Goal{})
	if _, err := r.runAction(lessons.Connect); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	r.waitCount(1, "accept", serverAccepted)
	r.waitCount(1, "client connected", is(netcore.FromClient, netcore.Connected))
	// The connection stays open after Run returns: the lesson waits for the
	// server's idle close. Give a wrongly closing client time to show it.
	time.Sleep(200 * time.Millisecond)
	r.pump()
	if n := len(r.matching(serverClosed)) + len(r.matching(clientClosed)); n != 0 {
		t.Fatalf("connection closed right after connecting:\n%s", r.dump())
	}
	if open := r.srv.Totals().Open; open != 1 {
		t.Errorf("server has %d open connections, want 1", open)
	}
	// The client keeps reading in the background, so it notices when the
	// server ends the connection (here: shutdown) and reports the close.
	if err := r.srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	r.waitCount(1, "client close after the server went away", clientClosed)
}

// With nothing listening, every action fails and says so in the events.
func TestActionRefused(t *testing.T) {
	t.Parallel()
	port := deadPort(t)
	for _, a := range []lessons.Action{
		lessons.Connect, lessons.SendHello, lessons.Get("/"), lessons.HangUpSoon, lessons.ResetSoon,
		lessons.Writes(0, 1, "x"), lessons.TwoOnOneConn, lessons.FiveAtOnce, lessons.Trickle(time.Second, time.Second),
	} {
		t.Run(a.Label, func(t *testing.T) {
			inbox := netcore.NewInbox(64)
			env := lessons.Env{Client: netcore.NewClient(inbox), Addr: lessons.Address{Host: "127.0.0.1", Port: port}}
			if _, err := a.Run(t.Context(), env); err == nil {
				t.Fatal("no error with nothing listening")
			}
			refused := 0
			for _, e := range inbox.Drain() {
				if e.Source == netcore.FromClient && e.Kind == netcore.Refused {
					refused++
					if e.Text == "" {
						t.Error("refused event has no message")
					}
				}
			}
			if refused == 0 {
				t.Error("no refused event")
			}
		})
	}
}

// Steps done from outside have no action: enter is off for them.
func TestNoAction(t *testing.T) {
	var none lessons.Action
	if !none.None() {
		t.Error("the zero Action is not None")
	}
	for _, a := range []lessons.Action{lessons.Connect, lessons.SendHello, lessons.Get("/"), lessons.OpenMany(1, 0)} {
		if a.None() || a.Label == "" {
			t.Errorf("action %q: None() = %v", a.Label, a.None())
		}
	}
	c := loadEN(t)
	for _, l := range c.Lessons {
		for i, s := range l.Steps {
			if s.Action.None() != (s.Action.Label == "") && !s.YourTurn() { // enter on Your turn asks for a command
				t.Errorf("%s/%d: action label %q but None() = %v", l.ID, i+1, s.Action.Label, s.Action.None())
			}
			// A step whose text says "Press `m`" lets the learner type.
			if strings.Contains(s.Body, "Press `m`") && !s.Action.TakesMessage {
				t.Errorf("%s/%d: the text says press m, but the action takes no message", l.ID, i+1)
			}
		}
	}
}
