package lessons_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The websocket lesson's steps, driven by hand-written WebSocket clients
// on real sockets: the bytes a browser or curl sends.

const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// wsOutside is an outside WebSocket client.
type wsOutside struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

// wsUpgrade opens a connection and upgrades it as a browser (or curl)
// does, with extra headers; it checks the 101.
func wsUpgrade(t *testing.T, hostPort, agent string) *wsOutside {
	t.Helper()
	c := dialOutside(t, hostPort)
	req := "GET /ws HTTP/1.1\r\nHost: " + hostPort + "\r\nConnection: Upgrade\r\nPragma: no-cache\r\nUpgrade: websocket\r\n" +
		"Origin: http://" + hostPort + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: " + agent + "\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n" +
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
	send(t, c, req)
	w := &wsOutside{t: t, c: c, r: bufio.NewReader(c)}
	resp, err := http.ReadResponse(w.r, nil)
	if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "HSmrc0sMlYUkAGmm5OPpG2HaGWk=" {
		t.Fatalf("upgrade: %v %v", err, resp)
	}
	return w
}

var browserKey = [4]byte{0x9a, 0x01, 0x5c, 0xe3}

func (w *wsOutside) send(op byte, p []byte) {
	w.t.Helper()
	if _, err := w.c.Write(behaviors.AppendFrame(nil, true, op, &browserKey, p)); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

func (w *wsOutside) read() behaviors.Frame {
	w.t.Helper()
	var b []byte
	for {
		f, _, err := behaviors.ParseFrame(b, behaviors.MaxFramePayload)
		if err == nil {
			return f
		}
		if !errors.Is(err, behaviors.ErrFrameIncomplete) {
			w.t.Fatalf("frame: %v", err)
		}
		c, err := w.r.ReadByte()
		if err != nil {
			w.t.Fatalf("read: %v after % x", err, b)
		}
		b = append(b, c)
	}
}

// until reads frames until one has opcode op (and, for text, payload p).
func (w *wsOutside) until(op byte, p string) behaviors.Frame {
	w.t.Helper()
	for {
		if f := w.read(); f.Opcode == op && (p == "" || string(f.Payload) == p) {
			return f
		}
	}
}

// closeAndWait sends a close frame, reads the answer and the server's FIN,
// then hangs up, as a browser does.
func (w *wsOutside) closeAndWait(code int) int {
	w.t.Helper()
	w.send(behaviors.OpClose, behaviors.ClosePayload(code, "bye"))
	f := w.until(behaviors.OpClose, "")
	got, _, _ := behaviors.ParseClose(f.Payload)
	_, _ = io.Copy(io.Discard, w.r)
	_ = w.c.Close()
	return got
}

const pageHello = "Hello from the browser!"

func init() {
	stepCases["websocket/1"] = stepCase{"websocket", func(t *testing.T, r *rig, s lessons.Step) {
		note := r.mustRun(s.Action)
		if !strings.HasPrefix(note, "echo back after ") || !strings.HasSuffix(note, "closed with 1000") {
			t.Errorf("note %q", note)
		}
		r.settle(1)
	}, []trial{
		{name: "enter upgrades", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			r.mustRun(s.Action)
			r.waitDone()
			if e := r.doneEvent(); !serverSent(e) || !bytes.HasPrefix(e.Data, []byte("HTTP/1.1 101 Switching Protocols\r\n")) {
				t.Errorf("completed by %s, want the 101", netcore.TranscriptLine(e))
			}
		}},
		{name: "curl's upgrade", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			send(t, c, "GET /ws HTTP/1.1\r\nHost: "+r.hostPort()+"\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
				"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "+lessons.SampleKey+"\r\n\r\n")
			r.waitDone()
		}},
		{name: "a plain GET of the page", run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange(browserRequest(r.hostPort())); !strings.Contains(got, "new WebSocket(") {
				t.Errorf("the page lacks its client: %q", got)
			}
			r.settle(1)
		}},
		{name: "an old version gets 426", run: func(t *testing.T, r *rig, s lessons.Step) {
			got := r.exchange("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: " + lessons.SampleKey + "\r\n\r\n")
			if !strings.HasPrefix(got, "HTTP/1.1 426 ") {
				t.Errorf("got %q", got)
			}
			r.settle(1)
		}},
	}}

	stepCases["websocket/2"] = stepCase{"", func(t *testing.T, r *rig, s lessons.Step) {
		r.exchange(chromeRequest(r.hostPort())) // the page
		w := wsUpgrade(t, r.hostPort(), chromeUA)
		w.send(behaviors.OpText, []byte(pageHello))
		w.until(behaviors.OpText, pageHello)
		w.until(behaviors.OpText, "tick 1")
		w.send(behaviors.OpText, []byte("typed while ticking"))
		w.until(behaviors.OpText, "typed while ticking")
		w.closeAndWait(behaviors.CloseGoingAway) // the tab closes
		r.settle(2)
	}, []trial{
		{name: "the page's hello and a tick", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), firefoxUA)
			w.send(behaviors.OpText, []byte(pageHello))
			w.until(behaviors.OpText, pageHello)
			r.waitDone()
		}},
		{name: "curl's frames do not count", run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), "curl/8.5.0")
			w.send(behaviors.OpText, []byte(pageHello))
			w.until(behaviors.OpText, "tick 1")
			w.closeAndWait(behaviors.CloseNormal)
			r.settle(1)
		}},
		{name: "a browser that only listens", run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), chromeUA)
			w.until(behaviors.OpText, "tick 2")
			w.closeAndWait(behaviors.CloseNormal)
			r.settle(1)
		}},
	}}

	stepCases["websocket/3"] = stepCase{"wsclose", func(t *testing.T, r *rig, s lessons.Step) {
		if note := r.mustRun(s.Action); note != "sent close 4000, the server answered 4000" {
			t.Errorf("note %q", note)
		}
		r.settle(1)
	}, []trial{
		{name: "the page's Close button", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), chromeUA)
			if got := w.closeAndWait(behaviors.CloseNormal); got != behaviors.CloseNormal {
				t.Errorf("the server answered close 1000 with %d", got)
			}
			r.waitDone()
		}},
		{name: "a client that just hangs up", run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), chromeUA)
			w.until(behaviors.OpText, "tick 1")
			_ = w.c.Close()
			r.settle(1)
		}},
		{name: "a close frame with no code", run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), chromeUA)
			w.send(behaviors.OpClose, nil)
			w.until(behaviors.OpClose, "")
			_ = w.c.Close()
			r.settle(1)
		}},
	}}

	stepCases["websocket/4"] = stepCase{"unmasked", func(t *testing.T, r *rig, s lessons.Step) {
		if note := r.mustRun(s.Action); note != "the server closed with 1002: a client's frames must be masked" {
			t.Errorf("note %q", note)
		}
		r.settle(1)
	}, []trial{
		{name: "an unmasked frame from outside", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), "curl/8.5.0")
			if _, err := w.c.Write(behaviors.AppendFrame(nil, true, behaviors.OpText, nil, []byte("no mask"))); err != nil {
				t.Fatal(err)
			}
			r.waitDone()
		}},
		{name: "masked frames are fine", run: func(t *testing.T, r *rig, s lessons.Step) {
			w := wsUpgrade(t, r.hostPort(), chromeUA)
			w.send(behaviors.OpText, []byte("masked"))
			w.until(behaviors.OpText, "masked")
			w.closeAndWait(behaviors.CloseNormal)
			r.settle(1)
		}},
	}}
}
