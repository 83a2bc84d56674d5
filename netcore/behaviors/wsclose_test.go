package behaviors

import (
	"encoding/binary"
	"io"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
)

// A close frame's reason is said in the server's words and must fit the
// frame: a control frame carries at most 125 bytes, 2 of them the code.
// Hangul takes 3 bytes a character, so the Korean words are the tight ones.
func TestCloseReasonsFitTheFrameInEveryLanguage(t *testing.T) {
	big := []byte{0x82, 0xff}
	big = binary.BigEndian.AppendUint64(big, 1<<40)
	frames := map[string][]byte{
		"an unmasked frame":         AppendFrame(nil, true, OpText, nil, []byte("hi")),
		"a reserved opcode":         AppendFrame(nil, true, 0x3, &testKey, []byte("hi")),
		"a fragmented ping":         AppendFrame(nil, false, OpPing, &testKey, nil),
		"a continuation of nothing": AppendFrame(nil, true, OpContinuation, &testKey, []byte("x")),
		"a 1 TiB frame":             append(big, testKey[:]...),
		"text that is not UTF-8":    AppendFrame(nil, true, OpText, &testKey, []byte{0xff, 0xfe}),
		"a close code nobody sends": AppendFrame(nil, true, OpClose, &testKey, ClosePayload(1005, "")),
	}
	for _, lang := range []string{"en", "ko"} {
		cfg := defaultsAt("127.0.0.1:0")
		cfg.Words = courseWords(lang)
		s, _ := startServer(t, cfg, WebSocket{Page: []byte("<p>page</p>")})
		addr := v4Addr(t, s)
		for name, frame := range frames {
			p := dialWS(t, addr)
			if _, err := p.c.Write(frame); err != nil {
				t.Fatal(err)
			}
			f := p.until(OpClose)
			code, reason, err := ParseClose(f.Payload)
			switch {
			case err != nil || code == 0:
				t.Errorf("%s, %s: close %d %q (%v)", lang, name, code, reason, err)
			case len(f.Payload) > 125 || !utf8.ValidString(reason):
				t.Errorf("%s, %s: a close payload of %d bytes, reason %q", lang, name, len(f.Payload), reason)
			case strings.HasPrefix(reason, "srv."):
				t.Errorf("%s, %s: the reason is a key, not words: %q", lang, name, reason)
			case lang == "ko" && !strings.ContainsFunc(reason, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }):
				t.Errorf("ko, %s: the reason is not in Korean: %q", name, reason)
			}
			_, _ = io.Copy(io.Discard, p.r)
		}
	}
}

// Every close reason the words hold fits even with the largest values a
// frame can bring (a 64-bit length, an opcode, a close code), without the
// cut CloseReason keeps as a guard.
func TestEveryCloseReasonFits(t *testing.T) {
	args := map[string][]any{
		"srv.ws.err.toobig":  {uint64(math.MaxInt64), MaxFramePayload},
		"srv.ws.err.opcode":  {byte(0x0f)},
		"srv.ws.err.code":    {65535},
		"srv.ws.err.message": {MaxFramePayload},
	}
	for _, lang := range []string{"en", "ko"} {
		words := courseWords(lang)
		n := 0
		for k := range words {
			if !strings.HasPrefix(k, "srv.ws.err.") && k != "srv.ws.idle" {
				continue
			}
			n++
			said := netcore.Phrase{Key: k, Args: args[k]}.Say(words)
			if len(said) > MaxCloseReason || strings.Contains(said, "%!") {
				t.Errorf("%s %s: %d bytes, at most %d fit: %q", lang, k, len(said), MaxCloseReason, said)
			}
		}
		if n < 10 {
			t.Errorf("%s: only %d close reasons", lang, n)
		}
	}
}

// Words too long for the frame are cut at a character's edge, never in
// the middle of one.
func TestCloseReasonCutsAtACharacter(t *testing.T) {
	words := map[string]string{"long": strings.Repeat("가", 60)} // 180 bytes
	got := CloseReason(netcore.Phrase{Key: "long"}, words)
	if len(got) > MaxCloseReason || !utf8.ValidString(got) || got != strings.Repeat("가", 41) {
		t.Errorf("cut to %d bytes: %q", len(got), got)
	}
	if got := CloseReason(netcore.Phrase{Key: "srv.ws.idle"}, nil); got != "srv.ws.idle" {
		t.Errorf("without words: %q", got)
	}
}
