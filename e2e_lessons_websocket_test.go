//go:build e2e

// End-to-end tests of the websocket lesson: the real binary's WebSocket
// server with real curl (the handshake, then raw frames), OpenBSD nc
// (frames written by hand) and headless Chromium running the page.

package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

const rfcAccept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"

func wsUpgradeReq(port int) string {
	return "GET /ws HTTP/1.1\r\nHost: localhost:" + strconv.Itoa(port) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// The lesson's curl command: the 101, then the server's raw tick frames.
func TestServeWebSocketCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "websocket")
	r := curl(t, 15*time.Second, "-i", "-N", "--max-time", "2.5",
		"-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
		"-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "http://localhost:"+strconv.Itoa(a.port)+"/ws")
	out := string(r.stdout)
	if !strings.HasPrefix(out, "HTTP/1.1 101 Switching Protocols\r\n") || !strings.Contains(out, rfcAccept) {
		t.Fatalf("curl got %q (exit %d)", out, r.code)
	}
	if !strings.Contains(out, "\x81\x06tick 1") {
		t.Errorf("no tick frame after the 101: %q", out)
	}
	a.waitLine("the accept computation", func(l string) bool {
		return strings.Contains(l, "note: SHA-1(Sec-WebSocket-Key dGhlIHNhbXBsZSBub25jZQ== + GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11) = b37a4f2cc0624f1690f64606cf385945b2bec4ea")
	})
}

// nc with frames written by hand: a masked text frame comes back as the
// echo, a close frame with 1000 is answered with 1000; an unmasked frame
// is answered with 1002.
func TestServeWebSocketNC(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "websocket")
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	in := []byte(wsUpgradeReq(a.port))
	in = behaviors.AppendFrame(in, true, behaviors.OpText, &key, []byte("hello from nc"))
	in = behaviors.AppendFrame(in, true, behaviors.OpClose, &key, behaviors.ClosePayload(1000, "bye"))
	r := ncSend(t, a.port, in)
	if !bytes.Contains(r.stdout, []byte(rfcAccept)) {
		t.Fatalf("nc got %q", r.stdout)
	}
	if !bytes.Contains(r.stdout, []byte("\x81\x0dhello from nc")) || !bytes.HasSuffix(r.stdout, []byte("\x88\x02\x03\xe8")) {
		t.Errorf("want the echo and a close frame with 1000 at the end, got %q", r.stdout)
	}
	a.waitLine("the masked frame's note", func(l string) bool {
		return strings.Contains(l, `note: frame in: 81 8d… FIN 1, opcode 1 (text), MASK 1 key 37 fa 21 3d, length 13: \"hello from nc\"`) ||
			strings.Contains(l, `note: frame in: 81 8d… FIN 1, opcode 1 (text), MASK 1 key 37 fa 21 3d, length 13: "hello from nc"`)
	})

	bad := behaviors.AppendFrame([]byte(wsUpgradeReq(a.port)), true, behaviors.OpText, nil, []byte("no mask"))
	r = ncSend(t, a.port, bad)
	if !bytes.Contains(r.stdout, []byte("\x88")) || !bytes.Contains(r.stdout, []byte("\x03\xea")) {
		t.Errorf("an unmasked frame got %q, want a close frame with 1002 (03 ea)", r.stdout)
	}
}

// Chromium runs the page: it upgrades, says hello in a masked frame, and
// shows the echo, all through the page's own script.
func TestServeWebSocketChromium(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "websocket", "--step", "2")
	r := chromiumWith(t, "http://localhost:"+strconv.Itoa(a.port)+"/", 3000)
	if !strings.Contains(string(r.stdout), "← server: Hello from the browser!") {
		t.Fatalf("the page shows no echo (exit %d)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	a.waitLine("the browser's masked frame", func(l string) bool {
		return strings.Contains(l, "note: frame in: 81 97… FIN 1, opcode 1 (text), MASK 1 key ") && strings.Contains(l, "Hello from the browser!")
	})
	a.waitLine("a browser upgrade", func(l string) bool {
		return strings.Contains(l, " recv ") && strings.Contains(l, "Upgrade: websocket") && strings.Contains(l, "User-Agent: Mozilla/")
	})
}
