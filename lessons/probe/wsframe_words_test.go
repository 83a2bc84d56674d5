package probe

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"unicode"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// A frame the server got wrong is reported in the check's words, in
// either language, not as a key: the frame parser's reasons are phrases.
func TestBrokenFrameReasonInWords(t *testing.T) {
	// A 16-bit length for 2 bytes: lengths under 126 fit in the first byte.
	addr := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
		if _, ok := readClientFrame(r); ok {
			_, _ = c.Write([]byte{0x81, 126, 0, 2, 'h', 'i'})
		}
	})
	for _, lang := range []string{"en", "ko"} {
		opt := probeOpts(addr)
		opt.Lang = lang
		rep := probeCheck(t, "websocket", opt)
		var reason string
		for _, r := range rep.Results {
			if r.ID == "ws-echo" {
				reason = r.Reason
			}
		}
		hangul := strings.ContainsFunc(reason, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
		if reason == "" || strings.Contains(reason, "srv.") || lang == "ko" && !hangul || lang == "en" && hangul {
			t.Errorf("%s: the echo probe's reason is %q", lang, reason)
		}
	}
}
