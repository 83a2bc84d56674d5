package probe

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// A server's bytes that a reason or a note quotes are escaped once: the
// learner reads "3 lines\n", what the bytes pane shows, not "3 lines\\n".

// answerAtEOF reads until the client's FIN, then writes answer and closes.
func answerAtEOF(answer string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.Copy(io.Discard, c)
		_, _ = io.WriteString(c, answer)
	}
}

// wantEscapedOnce fails unless text quotes quoted and holds no doubled
// backslash.
func wantEscapedOnce(t *testing.T, what, text, quoted string) {
	t.Helper()
	if !strings.Contains(text, quoted) || strings.Contains(text, `\\`) {
		t.Errorf("%s %q should quote %s, escaped once", what, text, quoted)
	}
}

func TestClosingQuotesTheAnswerEscapedOnce(t *testing.T) {
	t.Parallel()
	t.Run("the answer names the count", func(t *testing.T) {
		rep := probeCheck(t, "closing", probeOpts(startProbeServer(t, answerAtEOF("14 bytes, 3 lines\n"))))
		r := probeResult(t, rep, "answers after the client's end-of-file, with the byte count")
		if !r.Pass {
			t.Fatalf("a right answer fails:\n%s", probeText(t, rep))
		}
		wantEscapedOnce(t, "the note", r.Note, `"14 bytes, 3 lines\n"`)
	})
	t.Run("the answer lacks the count", func(t *testing.T) {
		rep := probeCheck(t, "closing", probeOpts(startProbeServer(t, answerAtEOF("3 lines\n"))))
		r := wantFail(t, rep, "answers after the client's end-of-file, with the byte count", Wrong, "14")
		wantEscapedOnce(t, "the reason", r.Reason, `"3 lines\n"`)
	})
}

func TestWebSocketQuotesTheCloseReasonEscapedOnce(t *testing.T) {
	t.Parallel()
	addr := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
		if _, ok := readClientFrame(r); ok {
			_, _ = c.Write(behaviors.AppendFrame(nil, true, behaviors.OpClose, nil, behaviors.ClosePayload(1003, "no\ttext")))
		}
	})
	rep := probeCheck(t, "websocket", probeOpts(addr))
	r := wantFail(t, rep, "echoes a masked text frame", Wrong, "1003")
	wantEscapedOnce(t, "the reason", r.Reason, `"no\ttext"`)
}

func TestWebSocketQuotesAWrongAcceptEscapedOnce(t *testing.T) {
	t.Parallel()
	addr := wsBroken(t, func(string) string { return "not\tbase64" }, func(net.Conn, *bufio.Reader) {})
	rep := probeCheck(t, "websocket", probeOpts(addr))
	r := wantFail(t, rep, "upgrades with the right Sec-WebSocket-Accept", Wrong, "base64(SHA-1(key + ")
	wantEscapedOnce(t, "the reason", r.Reason, `"not\tbase64"`)
}
