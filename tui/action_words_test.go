package tui

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// fakeServer listens on loopback and, for each connection, reads the
// request's head, writes reply and closes: a server that gets the lesson
// wrong in a known way.
func fakeServer(t *testing.T, reply string) lessons.Address {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				if reply == "" { // an HTTP request: read up to its blank line
					for {
						line, err := r.ReadString('\n')
						if err != nil || line == "\r\n" {
							break
						}
					}
				} else { // a ClientHello: its first bytes are enough
					buf := make([]byte, 5)
					_, _ = r.Read(buf)
				}
				_, _ = c.Write([]byte(reply))
			}()
		}
	}()
	return lessons.Address{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}
}

// An action that fails for a reason of its own (no response, a failed TLS
// handshake) says so in the course's words, as a dial failure does.
func TestActionFailureInTheCoursesWords(t *testing.T) {
	for _, tc := range []struct {
		lesson, reply string
		want          func(ui map[string]string) string // words the status must hold
		english       []string                          // what Korean must not say
	}{
		{"keep-alive", "", func(ui map[string]string) string {
			return (netcore.Phrase{Key: "action.err.response", Args: []any{1, netcore.Phrase{Key: "srv.os.eof"}}}).Say(ui)
		}, []string{"response 1", "EOF"}},
		{"tls", "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n", func(ui map[string]string) string {
			nottls := netcore.Phrase{Key: "action.err.nottls", Args: []any{netcore.Quote("HTTP/")}}
			return (netcore.Phrase{Key: "action.err.tls", Args: []any{nottls}}).Say(ui)
		}, []string{"TLS handshake", "first record"}},
	} {
		addr := fakeServer(t, tc.reply)
		for _, lang := range []string{"en", "ko"} {
			r := newRigLang(t, lang, tc.lesson)
			r.size(120, 40)
			r.m.d.Addr = addr
			cmd := r.press(keyEnter)
			if cmd == nil {
				t.Fatalf("%s: enter started no action", tc.lesson)
			}
			r.m.Update(cmd())
			ui := lessons.UIStrings(lang)
			want := ui["action.failed"] + ": " + tc.want(ui)
			if !strings.Contains(r.m.status, want) || strings.Contains(r.m.status, "action.err") || strings.Contains(r.m.status, "srv.") {
				t.Errorf("%s %s: status %q, want %q", tc.lesson, lang, r.m.status, want)
			}
			if lang == "ko" {
				for _, e := range tc.english {
					if strings.Contains(r.m.status, e) {
						t.Errorf("%s %s: status %q still says %q", tc.lesson, lang, r.m.status, e)
					}
				}
			}
		}
	}
}

// An address typed at the y prompt that is not HOST:PORT is refused with
// why, in the course's words, the input escaped.
func TestYoursAddressInTheCoursesWords(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		r := newRigLang(t, lang, "ping-pong")
		r.size(120, 40)
		r.press(keyRune('y'))
		for _, c := range "a b:1" {
			if c == ' ' {
				r.press(keySpace)
				continue
			}
			r.press(keyRune(c))
		}
		r.press(keyEnter)
		ui := lessons.UIStrings(lang)
		// The box starts with an example address; what was typed follows it.
		typed, ok := strings.CutPrefix(r.m.status, ui["yours.bad"]+` "`)
		typed, _, _ = strings.Cut(typed, `"`)
		why := (netcore.Phrase{Key: "srv.addr.bad", Args: []any{typed, netcore.Phrase{Key: "srv.addr.space"}}}).Say(ui)
		if want := ui["yours.bad"] + " " + why; !ok || !strings.HasSuffix(typed, "a b:1") || r.m.status != want {
			t.Errorf("%s: status %q, want %q", lang, r.m.status, want)
		}
		if lang == "ko" && (strings.Contains(r.m.status, "holds a space") || !strings.Contains(r.m.status, "공백")) {
			t.Errorf("ko: status %q is not in Korean", r.m.status)
		}
	}
}
