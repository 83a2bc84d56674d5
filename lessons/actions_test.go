package lessons_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// joined is every byte of one kind from the client side, in order.
func joined(r *rig, k netcore.Kind) []byte {
	var b bytes.Buffer
	for _, e := range r.matching(is(netcore.FromClient, k)) {
		b.Write(e.Data)
	}
	return b.Bytes()
}

func TestActionSendMessage(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, netcore.PingPong{Idle: 10 * time.Second}, lessons.Check{})
	if err := r.runAction(lessons.SendMessage); err != nil {
		t.Fatalf("SendMessage: %v", err)
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
	if len(lessons.HelloMessage) != 18 || len(netcore.PongReply) != 18 {
		t.Errorf("message sizes %d and %d, the lesson says 18 bytes each", len(lessons.HelloMessage), len(netcore.PongReply))
	}
	// The server saw the same bytes on its side.
	r.waitCount(1, "server recv", serverRecv)
	if got := received(r); got != string(lessons.HelloMessage) {
		t.Errorf("server received %q", got)
	}
}

func TestActionSendRequest(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, netcore.HTTPHello{Idle: 10 * time.Second}, lessons.Check{})
	if err := r.runAction(lessons.SendRequest); err != nil {
		t.Fatalf("SendRequest: %v", err)
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
	if resp.StatusCode != 200 || string(body) != netcore.HelloBody {
		t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, netcore.HelloBody)
	}
}

func TestActionConnectOnly(t *testing.T) {
	t.Parallel()
	r := newServerRig(t, netcore.AcceptOnly{Idle: 30 * time.Second}, lessons.Check{})
	if err := r.runAction(lessons.ConnectOnly); err != nil {
		t.Fatalf("ConnectOnly: %v", err)
	}
	r.waitCount(1, "accept", serverAccepted)
	r.waitCount(1, "client connected", is(netcore.FromClient, netcore.Connected))
	// The connection stays open after Run returns: the lesson waits for the
	// server's idle close. Give a wrongly closing client time to show it.
	time.Sleep(200 * time.Millisecond)
	r.pump()
	if n := len(r.matching(is(netcore.FromServer, netcore.Closed))) + len(r.matching(clientClosed)); n != 0 {
		t.Fatalf("connection closed right after connecting:\n%s", r.dump())
	}
	if open := r.srv.Totals().Open; open != 1 {
		t.Errorf("server has %d open connections, want 1", open)
	}
	// The client keeps reading in the background, so it notices when the
	// server ends the connection (here: shutdown) and reports the close.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	r.waitCount(1, "client close after the server went away", clientClosed)
}

// With nothing listening, every action fails and says so in the events.
func TestActionRefused(t *testing.T) {
	t.Parallel()
	port := deadPort(t)
	for _, k := range []lessons.ActionKind{lessons.ConnectOnly, lessons.SendMessage, lessons.SendRequest} {
		t.Run(string(k), func(t *testing.T) {
			inbox := netcore.NewInbox(64)
			env := lessons.Env{Client: netcore.NewClient(inbox), Addr: lessons.Address{Host: "127.0.0.1", Port: port}}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			if err := k.Run(ctx, env); err == nil {
				t.Fatal("no error with nothing listening")
			}
			events := inbox.Drain()
			refused := 0
			for _, e := range events {
				if e.Source == netcore.FromClient && e.Kind == netcore.Refused {
					refused++
					if e.Text == "" {
						t.Error("refused event has no message")
					}
				}
			}
			if refused != 1 {
				t.Errorf("%d refused events, want 1; events: %v", refused, events)
			}
		})
	}
}

// NoAction is what enter does on steps done from outside: nothing, no error.
func TestNoActionDoesNothing(t *testing.T) {
	inbox := netcore.NewInbox(8)
	env := lessons.Env{Client: netcore.NewClient(inbox), Addr: lessons.Address{Host: "127.0.0.1", Port: 1}}
	if err := lessons.NoAction.Run(context.Background(), env); err != nil {
		t.Errorf("NoAction.Run: %v", err)
	}
	if n := inbox.Len(); n != 0 {
		t.Errorf("NoAction produced %d events", n)
	}
}
