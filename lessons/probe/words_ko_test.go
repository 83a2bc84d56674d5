package probe

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
	"unicode"
)

// A failing check in Korean gives its reasons in Korean: none of the
// English sentences the probes once held in Go, and Hangul in each.
func TestKoreanReasons(t *testing.T) {
	answerOK := func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 4096)
		_, _ = c.Read(buf)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	}
	hangUp := func(c net.Conn) { _ = c.Close() }
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := l.Addr().String()
	_ = l.Close()
	cases := []struct {
		lesson, id string
		target     string
		english    string // a piece of the old English reason
	}{
		{"routing", "not-found", startProbeServer(t, answerOK), "it should answer"},
		{"compression", "gzip-asked", startProbeServer(t, answerOK), "compress the body with gzip"},
		{"closing", "eof-answer", startProbeServer(t, hangUp), "without replying to"},
		{"tcp-accept", "accepts", refused, "nothing is listening on"},
	}
	for _, c := range cases {
		for _, lang := range []string{"en", "ko"} {
			opt := probeOpts(c.target)
			opt.Lang = lang
			if c.target == refused {
				opt.Wait = -1
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			rep, err := Run(ctx, c.lesson, setOf[c.lesson], opt)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			var reason string
			found := false
			for _, r := range rep.Results {
				if r.ID == c.id {
					found, reason = true, r.Reason
					if r.Pass {
						t.Errorf("%s/%s/%s passed against a broken server", c.lesson, c.id, lang)
					}
				}
			}
			if !found {
				t.Errorf("%s/%s: no probe %s in %+v", c.lesson, lang, c.id, rep.Results)
				continue
			}
			hangul := strings.ContainsFunc(reason, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
			english := strings.Contains(reason, c.english)
			if lang == "ko" && (!hangul || english) {
				t.Errorf("%s/%s in Korean: %q", c.lesson, c.id, reason)
			}
			if lang == "en" && (hangul || !english) {
				t.Errorf("%s/%s in English: %q, want it to say %q", c.lesson, c.id, reason, c.english)
			}
		}
	}
}
