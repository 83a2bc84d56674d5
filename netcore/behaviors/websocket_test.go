package behaviors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// The key and accept value of RFC 6455's own example.
const (
	rfcKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	rfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

func TestAcceptKeyMatchesTheRFC(t *testing.T) {
	if got := AcceptKey(rfcKey); got != rfcAccept {
		t.Errorf("AcceptKey(%s) = %s, want %s", rfcKey, got, rfcAccept)
	}
}

// wsPeer is a client on a real socket that speaks frames by hand.
type wsPeer struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func upgradeReq(host, key string, extra ...string) string {
	return "GET " + WebSocketPath + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + strings.Join(append(extra, ""), "\r\n") + "\r\n"
}

// dialWS upgrades a fresh connection and checks the 101.
func dialWS(t *testing.T, addr string) *wsPeer {
	t.Helper()
	c := dialRaw(t, "tcp", addr)
	if _, err := io.WriteString(c, upgradeReq(addr, rfcKey)); err != nil {
		t.Fatal(err)
	}
	p := &wsPeer{t: t, c: c, r: bufio.NewReader(c)}
	resp, err := http.ReadResponse(p.r, nil)
	if err != nil {
		t.Fatalf("the upgrade's response: %v", err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != rfcAccept ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		t.Fatalf("upgrade got %d %v", resp.StatusCode, resp.Header)
	}
	return p
}

var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

func (p *wsPeer) send(fin bool, op byte, payload []byte) {
	p.t.Helper()
	if _, err := p.c.Write(AppendFrame(nil, fin, op, &testKey, payload)); err != nil {
		p.t.Fatalf("write frame: %v", err)
	}
}

// read reads one frame from the server; servers never mask.
func (p *wsPeer) read() Frame {
	p.t.Helper()
	var b []byte
	for {
		f, n, err := ParseFrame(b, 1<<20)
		if err == nil {
			if n != len(b) {
				p.t.Fatalf("read more than one frame")
			}
			if f.Masked {
				p.t.Errorf("the server masked a frame")
			}
			return f
		}
		c, rerr := p.r.ReadByte()
		if rerr != nil {
			p.t.Fatalf("reading a frame: %v after % x", rerr, b)
		}
		b = append(b, c)
	}
}

// until reads frames, skipping ticks, until one has opcode op.
func (p *wsPeer) until(op byte) Frame {
	p.t.Helper()
	for {
		f := p.read()
		if f.Opcode == op && !(op == OpText && bytes.HasPrefix(f.Payload, []byte("tick "))) {
			return f
		}
	}
}

func (p *wsPeer) wantClose(code int) {
	p.t.Helper()
	f := p.until(OpClose)
	got, _, err := ParseClose(f.Payload)
	if err != nil || got != code {
		p.t.Errorf("close code %d (%v), want %d", got, err, code)
	}
	if _, err := p.r.ReadByte(); err != io.EOF {
		p.t.Errorf("after the close frame: %v, want the server's FIN", err)
	}
}

func startWS(t *testing.T) (string, *collector) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), WebSocket{Page: []byte("<p>page</p>"), Tick: 50 * time.Millisecond})
	return v4Addr(t, s), col
}

// Echo, ticks while the client is talking, and an orderly close.
func TestWebSocketEchoTicksAndClose(t *testing.T) {
	addr, col := startWS(t)
	p := dialWS(t, addr)
	p.send(true, OpText, []byte("hello"))
	ticks := 0
	for {
		f := p.read()
		if f.Opcode == OpText && bytes.HasPrefix(f.Payload, []byte("tick ")) {
			ticks++
			continue
		}
		if f.Opcode != OpText || string(f.Payload) != "hello" {
			t.Fatalf("got %s, want the echo of hello", f.Describe(false).Say(enWords))
		}
		break
	}
	for ticks < 2 {
		if f := p.read(); bytes.HasPrefix(f.Payload, []byte("tick ")) {
			ticks++
		}
	}
	p.send(true, OpClose, ClosePayload(CloseNormal, "bye"))
	p.wantClose(CloseNormal)
	col.waitCount(1, "close", is(netcore.FromServer, netcore.Closed))
	n := notes(col.events)
	for _, want := range []string{
		"SHA-1(Sec-WebSocket-Key " + rfcKey + " + GUID " + WebSocketGUID + ") = b37a4f2cc0624f1690f64606cf385945b2bec4ea",
		"Sec-WebSocket-Accept: " + rfcAccept,
		`frame in: 81 85… FIN 1, opcode 1 (text), MASK 1 key 37 fa 21 3d, length 5: "hello"`,
		`frame out: 81 05… FIN 1, opcode 1 (text), MASK 0, length 5: "hello"`,
		`frame in: 88 85… FIN 1, opcode 8 (close), MASK 1 key 37 fa 21 3d, length 5: code 1000 "bye"`,
		"frame out: 81 06… FIN 1, opcode 1 (text), MASK 0, length 6: \"tick 1\"",
	} {
		if !strings.Contains(n, want) {
			t.Errorf("notes lack %q:\n%s", want, n)
		}
	}
}

// A fragmented message with a ping between its frames: pong first, then
// the whole message echoed.
func TestWebSocketFragmentsAndPing(t *testing.T) {
	addr, _ := startWS(t)
	p := dialWS(t, addr)
	p.send(false, OpText, []byte("hel"))
	p.send(true, OpPing, []byte("are you there"))
	p.send(true, OpContinuation, []byte("lo 🎉"))
	if f := p.until(OpPong); string(f.Payload) != "are you there" {
		t.Errorf("pong %q", f.Payload)
	}
	if f := p.until(OpText); string(f.Payload) != "hello 🎉" {
		t.Errorf("echo %q, want the two fragments joined", f.Payload)
	}
}

// Every broken rule ends with the close code RFC 6455 names for it.
func TestWebSocketBrokenRules(t *testing.T) {
	big := []byte{0x82, 0xff}
	big = binary.BigEndian.AppendUint64(big, 1<<40)
	cases := []struct {
		name  string
		frame []byte
		code  int
	}{
		{"an unmasked frame", AppendFrame(nil, true, OpText, nil, []byte("hi")), CloseProtocol},
		{"a reserved opcode", AppendFrame(nil, true, 0x3, &testKey, []byte("hi")), CloseProtocol},
		{"RSV1 without an extension", func() []byte { f := AppendFrame(nil, true, OpText, &testKey, []byte("hi")); f[0] |= 0x40; return f }(), CloseProtocol},
		{"a fragmented ping", AppendFrame(nil, false, OpPing, &testKey, nil), CloseProtocol},
		{"a continuation of nothing", AppendFrame(nil, true, OpContinuation, &testKey, []byte("x")), CloseProtocol},
		{"a 1 TiB frame", append(big, testKey[:]...), CloseTooBig},
		{"a 70000-byte frame", AppendFrame(nil, true, OpBinary, &testKey, make([]byte, 70000)), CloseTooBig},
		{"text that is not UTF-8", AppendFrame(nil, true, OpText, &testKey, []byte{0xff, 0xfe}), CloseBadData},
		{"a close code nobody may send", AppendFrame(nil, true, OpClose, &testKey, ClosePayload(1005, "")), CloseProtocol},
	}
	addr, _ := startWS(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := dialWS(t, addr)
			if _, err := p.c.Write(tc.frame); err != nil {
				t.Fatal(err)
			}
			p.wantClose(tc.code)
		})
	}
}

// A message split in frames that together pass the bound is refused too.
func TestWebSocketMessageBound(t *testing.T) {
	addr, _ := startWS(t)
	p := dialWS(t, addr)
	chunk := bytes.Repeat([]byte("a"), 40<<10)
	p.send(false, OpText, chunk)
	p.send(true, OpContinuation, chunk)
	p.wantClose(CloseTooBig)
}

func TestWebSocketHandshakeRefusals(t *testing.T) {
	addr, _ := startWS(t)
	cases := []struct {
		name, req, status string
	}{
		{"the page", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK"},
		{"no Upgrade", "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 426 Upgrade Required"},
		{"version 8", strings.Replace(upgradeReq(addr, rfcKey), "Version: 13", "Version: 8", 1), "HTTP/1.1 426 Upgrade Required"},
		{"a short key", upgradeReq(addr, "c2hvcnQ="), "HTTP/1.1 400 Bad Request"},
		{"another path", "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 Not Found"},
		// Firefox lists keep-alive first.
		{"Connection: keep-alive, Upgrade", strings.Replace(upgradeReq(addr, rfcKey), "Connection: Upgrade", "Connection: keep-alive, Upgrade", 1), "HTTP/1.1 101 Switching Protocols"},
	}
	for _, tc := range cases {
		c := dialRaw(t, "tcp", addr)
		_, _ = io.WriteString(c, tc.req)
		r := bufio.NewReader(c)
		line, _ := r.ReadString('\n')
		if strings.TrimSpace(line) != tc.status {
			t.Errorf("%s: %q, want %q", tc.name, line, tc.status)
		}
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add(AppendFrame(nil, true, OpText, &testKey, []byte("hello")))
	f.Add([]byte{0x81, 0x7e, 0x00, 0x10})
	f.Add([]byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, n, err := ParseFrame(b, MaxFramePayload)
		if err != nil {
			return
		}
		if n > len(b) || len(fr.Payload) > MaxFramePayload || uint64(len(fr.Payload)) != fr.Length {
			t.Fatalf("n %d of %d, payload %d, length %d", n, len(b), len(fr.Payload), fr.Length)
		}
		checkSaid(t, fr.Describe(true))
		if err := fr.Check(); err != nil {
			checkSaid(t, err.(*FrameError).Reason)
		}
	})
}

// A client silent for the idle time is told goodbye (1001) in a frame
// before the server hangs up, even while ticks keep going out.
func TestWebSocketIdleSaysGoingAway(t *testing.T) {
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), WebSocket{Tick: 50 * time.Millisecond, Idle: 400 * time.Millisecond})
	p := dialWS(t, v4Addr(t, s))
	start := time.Now()
	p.wantClose(CloseGoingAway)
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("closed after %s, before the idle time", took)
	}
}
