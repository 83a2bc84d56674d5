package probe

import (
	"net"
	"strings"
	"testing"
	"time"
)

// wantWarn checks that probe name passed with a WARN of kind whose reason
// says each of says, and that the report still passes.
func wantWarn(t *testing.T, rep *Report, name string, kind Outcome, says ...string) Result {
	t.Helper()
	r := probeResult(t, rep, name)
	if r.Verdict() != VerdictWarn || r.Kind != kind {
		t.Fatalf("probe %q: verdict %s, kind %s, want a %s WARN\n%s", name, r.Verdict(), r.Kind, kind, probeText(t, rep))
	}
	for _, s := range says {
		if !strings.Contains(r.Reason, s) {
			t.Errorf("probe %q: reason %q does not say %q", name, r.Reason, s)
		}
	}
	if !rep.Pass() {
		t.Errorf("a WARN fails the report:\n%s", probeText(t, rep))
	}
	if text := probeText(t, rep); !strings.Contains(text, "WARN  "+name) || !strings.Contains(text, "with a warning") {
		t.Errorf("report:\n%s", text)
	}
	return r
}

// Content-Type is a SHOULD: missing on a body it is a WARN, on an empty
// body nothing is asked.
func TestProbeContentTypeIsShould(t *testing.T) {
	t.Parallel()
	t.Run("missing on a body", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", true))
		rep := probeCheck(t, "http-response", probeOpts(addr))
		wantWarn(t, rep, "a Content-Type is present", Warned, "no Content-Type", "SHOULD")
	})
	t.Run("empty body", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true))
		rep := probeCheck(t, "http-response", probeOpts(addr))
		r := probeResult(t, rep, "a Content-Type is present")
		if r.Verdict() != VerdictPass || !strings.Contains(r.Note, "empty") {
			t.Fatalf("verdict %s, note %q\n%s", r.Verdict(), r.Note, probeText(t, rep))
		}
	})
}

// The article's server, with its length fixed: Korean text without a
// charset passes with a WARN that names charset and the mojibake.
func TestProbeCharsetWarning(t *testing.T) {
	t.Parallel()
	body := "안녕, 세상!"
	resp := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 15\r\nConnection: close\r\n\r\n" + body
	addr := startProbeServer(t, answerOnce(resp, true))
	for lesson, name := range map[string]string{"content-length": "Content-Length counts the body's bytes", "http-response": "a Content-Type is present"} {
		rep := probeCheck(t, lesson, probeOpts(addr))
		wantWarn(t, rep, name, Warned, "charset", "안녕", "ì•ˆë…•")
		if rep.Failed() != 0 {
			t.Errorf("%s: %d failed", lesson, rep.Failed())
		}
	}
}

// A valid server that sends its body 3 s after its header passes with the
// default waits; one whose whole reply takes longer than Slow is a WARN.
func TestProbeLateBodyPassesSlowWarns(t *testing.T) {
	t.Parallel()
	late := func(delay time.Duration) func(net.Conn) {
		return func(c net.Conn) {
			var pending []byte
			if _, ok := readProbeReq(c, &pending); !ok {
				return
			}
			_, _ = c.Write([]byte(probeHead + "Content-Length: 2\r\nConnection: close\r\n\r\n"))
			time.Sleep(delay)
			_, _ = c.Write([]byte("hi"))
			closePolitely(c)
		}
	}
	opt := Options{Target: startProbeServer(t, late(3*time.Second)), Wait: time.Second}
	rep := probeCheck(t, "content-length", opt)
	for _, r := range rep.Results {
		if r.Verdict() != VerdictPass {
			t.Fatalf("a body 3 s after its header: %q is %s\n%s", r.Name, r.Verdict(), probeText(t, rep))
		}
	}
	opt = Options{Target: startProbeServer(t, late(700*time.Millisecond)), Wait: time.Second, Slow: 500 * time.Millisecond}
	rep = probeCheck(t, "content-length", opt)
	wantWarn(t, rep, "a well-formed response", Slow, "slow", "500ms")
}
