package probe_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
)

// sendsNothing are the probes that send no byte and do nothing but
// connect (and wait); every other probe of the course says what it sends.
var sendsNothing = map[string]bool{
	"tcp-accept/accepts": true, "tcp-accept/idle-close": true,
	"client/accepts":      true,
	"timeouts/idle-close": true,
}

// specSends is each probe's "sends:" in `tubes check --list` (what
// WriteSpec prints), by lesson/probe id, without the label.
func specSends(t *testing.T, lang string) map[string]string {
	t.Helper()
	label := "   " + probe.Words(lang)["spec.sends"] + " "
	out := map[string]string{}
	for _, id := range lessons.IDs() {
		set, ok := lessons.Probes(id)
		if !ok {
			t.Fatalf("%s: no probe set", id)
		}
		var b bytes.Buffer
		if err := probe.WriteSpec(&b, id, set, lang); err != nil {
			t.Fatal(err)
		}
		var sends []string
		for _, l := range strings.Split(b.String(), "\n") {
			if s, ok := strings.CutPrefix(l, label); ok {
				sends = append(sends, s)
			}
		}
		items := probe.Spec(set, lang)
		if len(sends) != len(items) {
			t.Fatalf("%s/%s: %d sends lines for %d probes:\n%s", lang, id, len(sends), len(items), b.String())
		}
		for i, it := range items {
			out[id+"/"+it.ID] = sends[i]
		}
	}
	return out
}

// Every probe of every lesson's check says what it really sends, in
// --list and in the Your-turn step's spec (the same Spec): only the
// probes in sendsNothing say "nothing".
func TestEveryProbeSaysWhatItSends(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		w := probe.Words(lang)
		for key, sends := range specSends(t, lang) {
			if nothing := sends == w["spec.nothing"]; nothing != sendsNothing[key] {
				t.Errorf("%s %s: --list says it sends %q", lang, key, sends)
			}
		}
		course, err := lessons.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range lessons.IDs() {
			set, _ := lessons.Probes(id)
			steps := course.Lessons[course.Find(id)].Steps
			body := steps[len(steps)-1].Body
			for _, it := range probe.Spec(set, lang) {
				head := "- **" + it.Name + "**"
				i := strings.Index(body, head)
				if i < 0 {
					t.Errorf("%s %s/%s: Your turn has no item %q", lang, id, it.ID, head)
					continue
				}
				says := strings.HasPrefix(body[i+len(head):], " "+w["spec.sends"]+" ")
				if says == sendsNothing[id+"/"+it.ID] {
					t.Errorf("%s %s/%s: Your turn's item: %q", lang, id, it.ID, strings.SplitN(body[i:], "\n", 2)[0])
				}
			}
		}
	}
	// What they say is what goes on the wire.
	sends := specSends(t, "en")
	for key, want := range map[string][]string{
		"closing/eof-answer":   {`"one\ntwo\nthree\n"`},
		"client/client-close":  {"FIN"},
		"files/linked-types":   {"each file the page at / links"},
		"files/not-modified":   {"If-Modified-Since", "Last-Modified"},
		"tls/tls-handshake":    {"ClientHello", "ALPN h2, http/1.1"},
		"tls/tls-get":          {"inside the encrypted tunnel", `"GET / HTTP/1.1\r\nHost: localhost:8080\r\n`},
		"websocket/ws-upgrade": {`"GET /ws HTTP/1.1\r\n`, `Sec-WebSocket-Key: `, `Sec-WebSocket-Version: 13\r\n\r\n"`},
		"websocket/ws-echo":    {"masked text frame", "0x81", "0x94", `"ping from tubes 🏓"`},
		"websocket/ws-close":   {"masked close frame", "0x88", "0x85", "1000"},
	} {
		got, ok := sends[key]
		if !ok {
			t.Errorf("no probe %s", key)
			continue
		}
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s sends %q, which lacks %s", key, got, s)
			}
		}
	}
}
