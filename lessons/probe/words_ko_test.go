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

// The response analyzer's findings read in Korean too: a Korean check of
// a server that breaks a framing rule gives the reason in Korean, and the
// English check still says it in English.
func TestKoreanFramingReasons(t *testing.T) {
	reply := func(raw string) func(net.Conn) {
		return func(c net.Conn) {
			defer c.Close()
			buf := make([]byte, 4096)
			_, _ = c.Read(buf)
			_, _ = io.WriteString(c, raw)
		}
	}
	cases := []struct {
		name, lesson, id, reply string
		english, korean         string // a piece of each language's reason
	}{
		{"bare LF", "http-response", "crlf", "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nok",
			"ends in a bare LF", "맨 LF"},
		{"no blank line", "http-response", "blank-line", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nhello",
			"does not end with a blank line", "빈 줄로 끝나지 않아요"},
		{"lower-case version", "http-response", "status-line", "http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			"in capitals", "대문자"},
		{"length counts characters", "content-length", "length-counts", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 15\r\n\r\nHello, world! 🎉",
			"counts bytes, not characters", "글자가 아니라 바이트"},
	}
	for _, c := range cases {
		target := startProbeServer(t, reply(c.reply))
		for _, lang := range []string{"en", "ko"} {
			opt := probeOpts(target)
			opt.Lang = lang
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			rep, err := Run(ctx, c.lesson, setOf[c.lesson], opt)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			var reason string
			var ids []string
			for _, r := range rep.Results {
				ids = append(ids, r.ID)
				if r.ID == c.id {
					reason = r.Reason
				}
			}
			if reason == "" {
				t.Errorf("%s/%s: probe %s has no failure reason (probes %v)", c.name, lang, c.id, ids)
				continue
			}
			hangul := strings.ContainsFunc(reason, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
			switch {
			case lang == "ko" && (!hangul || strings.Contains(reason, c.english) || !strings.Contains(reason, c.korean)):
				t.Errorf("%s in Korean: %q", c.name, reason)
			case lang == "en" && (hangul || !strings.Contains(reason, c.english)):
				t.Errorf("%s in English: %q", c.name, reason)
			}
		}
	}
}

// Every Korean word of check.txt is Korean: only values that are nothing
// but protocol text may go without Hangul.
func TestKoreanCheckWordsAreKorean(t *testing.T) {
	protocolOnly := map[string]bool{"http.wide": true, "ka.length": true, "what.hello": true}
	for k, v := range checkKeys(t, "ko") {
		if !protocolOnly[k] && !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
			t.Errorf("ko %s = %q has no Korean in it", k, v)
		}
	}
}
