package probe

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The websocket probes judge every frame header the server sends, not
// only its mask bit: FIN, the RSV bits, and the rules of control frames.
// Each server here is a small real one that gets one bit wrong.

// rawFrame is an unmasked frame with b0 as its first byte, as a
// hand-written server builds it.
func rawFrame(b0 byte, payload []byte) []byte {
	out := []byte{b0}
	if n := len(payload); n < 126 {
		out = append(out, byte(n))
	} else {
		out = append(out, 126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	}
	return append(out, payload...)
}

// wsAnswers upgrades, answers the probe's text frame with echo(payload)
// and its close frame with closing(payload), as raw bytes, then waits
// for the probe to hang up. A nil closing leaves the close unanswered.
func wsAnswers(t *testing.T, echo, closing func(payload []byte) []byte) string {
	return wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
		f, ok := readClientFrame(r)
		if !ok {
			return
		}
		_, _ = c.Write(echo(f.Payload))
		if f, ok = readClientFrame(r); ok && closing != nil {
			_, _ = c.Write(closing(f.Payload))
			_ = c.(*net.TCPConn).CloseWrite()
		}
		_, _ = io.Copy(io.Discard, r)
	})
}

// wantCaretAt checks that r's caret sits on the byte at offset at of the
// first frame in r.Received that starts with frame.
func wantCaretAt(t *testing.T, r Result, frame []byte, at int) {
	t.Helper()
	i := bytes.Index(r.Received, frame)
	if i < 0 {
		t.Fatalf("received %q lacks the frame %q", r.Received, frame)
	}
	if r.Caret != i+at {
		t.Errorf("caret %d, want %d (byte %d of the frame at %d)", r.Caret, i+at, at, i)
	}
}

func TestProbeWebSocketJudgesFrameHeaders(t *testing.T) {
	const (
		upgrade = "upgrades with the right Sec-WebSocket-Accept"
		echo    = "echoes a masked text frame"
		closing = "answers a close frame with a close frame"
	)
	closeOK := func(p []byte) []byte { return rawFrame(0x88, p) }
	t.Run("no FIN, then a tick (ws_nofin.py)", func(t *testing.T) {
		// bytes([opcode, n]) instead of bytes([0x80 | opcode, n]): every
		// frame begins a message that never ends.
		addr := wsAnswers(t, func(p []byte) []byte { return append(rawFrame(0x01, p), rawFrame(0x01, []byte("tick 1"))...) }, closeOK)
		rep := probeCheck(t, "websocket", probeOpts(addr))
		r := wantFail(t, rep, echo, Malformed, "FIN", "0x01", "0x80")
		wantCaretAt(t, r, rawFrame(0x01, wsEcho), 0)
		if u := probeResult(t, rep, upgrade); !u.Pass {
			t.Errorf("the upgrade failed: %s", u.Reason)
		}
	})
	t.Run("no FIN, then nothing", func(t *testing.T) {
		addr := wsAnswers(t, func(p []byte) []byte { return rawFrame(0x01, p) }, closeOK)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), echo, Malformed, "FIN", "0x01")
		wantCaretAt(t, r, rawFrame(0x01, wsEcho), 0)
	})
	t.Run("an RSV bit set", func(t *testing.T) {
		addr := wsAnswers(t, func(p []byte) []byte { return rawFrame(0xc1, p) }, closeOK)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), echo, Malformed, "RSV", "0xc1")
		wantCaretAt(t, r, rawFrame(0xc1, wsEcho), 0)
	})
	t.Run("a masked echo", func(t *testing.T) {
		masked := func(p []byte) []byte {
			return behaviors.AppendFrame(nil, true, behaviors.OpText, &[4]byte{1, 2, 3, 4}, p)
		}
		addr := wsAnswers(t, masked, closeOK)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), echo, Malformed, "MASK", "0x94")
		wantCaretAt(t, r, masked(wsEcho), 1)
	})
	t.Run("a close frame without FIN", func(t *testing.T) {
		var sent []byte
		addr := wsAnswers(t, func(p []byte) []byte { return rawFrame(0x81, p) }, func(p []byte) []byte { sent = rawFrame(0x08, p); return sent })
		rep := probeCheck(t, "websocket", probeOpts(addr))
		r := wantFail(t, rep, closing, Malformed, "FIN", "0x08", "control frame")
		wantCaretAt(t, r, sent, 0)
		if e := probeResult(t, rep, echo); !e.Pass {
			t.Errorf("the echo failed: %s", e.Reason)
		}
	})
	t.Run("a close frame over 125 bytes", func(t *testing.T) {
		var sent []byte
		long := func(p []byte) []byte {
			sent = rawFrame(0x88, append(p[:2:2], strings.Repeat("x", 130)...))
			return sent
		}
		addr := wsAnswers(t, func(p []byte) []byte { return rawFrame(0x81, p) }, long)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), closing, Malformed, "125", "132")
		wantCaretAt(t, r, sent, 1)
	})
	t.Run("a ping split in pieces", func(t *testing.T) {
		ping := rawFrame(0x09, []byte("hi"))
		addr := wsAnswers(t, func(p []byte) []byte { return append(ping, rawFrame(0x81, p)...) }, closeOK)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), echo, Malformed, "FIN", "0x09")
		wantCaretAt(t, r, ping, 0)
	})
	t.Run("a continuation with nothing to continue", func(t *testing.T) {
		addr := wsAnswers(t, func(p []byte) []byte { return rawFrame(0x80, p) }, closeOK)
		r := wantFail(t, probeCheck(t, "websocket", probeOpts(addr)), echo, Malformed, "opcode 0")
		wantCaretAt(t, r, rawFrame(0x80, wsEcho), 0)
	})
	t.Run("an echo in two frames passes", func(t *testing.T) {
		// A message may come in pieces: FIN marks the last, opcode 0
		// continues it, and a ping may come between them.
		split := func(p []byte) []byte {
			out := rawFrame(0x01, p[:5])
			out = append(out, rawFrame(0x89, []byte("hi"))...)
			return append(out, rawFrame(0x80, p[5:])...)
		}
		rep := probeCheck(t, "websocket", probeOpts(wsAnswers(t, split, closeOK)))
		// This server only echoes and closes: the lesson's other probes
		// (ticks, refusals) are not what it is for.
		for _, name := range []string{echo, closing} {
			if r := probeResult(t, rep, name); !r.Pass {
				t.Fatalf("a fragmented echo fails %q:\n%s", name, probeText(t, rep))
			}
		}
	})
}
