package lessons_test

import (
	"crypto/tls"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The tls lesson's steps, driven with real TLS clients on loopback. Its
// entries are added here so that the course's table stays one line per
// lesson elsewhere.

// tlsCurl does what `curl -k [--resolve name:PORT:127.0.0.1] https://name:PORT/target`
// does: a TLS handshake offering h2 and http/1.1 with name as SNI, then a
// GET; it returns the decrypted response.
func tlsCurl(t *testing.T, hostPort, name, target, agent string) string {
	t.Helper()
	raw := dialOutside(t, hostPort)
	c := tls.Client(raw, &tls.Config{ServerName: name, NextProtos: []string{"h2", "http/1.1"}, InsecureSkipVerify: true})
	req := "GET " + target + " HTTP/1.1\r\nHost: " + name + "\r\nUser-Agent: " + agent + "\r\nAccept: */*\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatalf("TLS request: %v", err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("TLS response: %v (got %q)", err, b)
	}
	_ = c.Close() // curl hangs up once the response is in
	return string(b)
}

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

func wantTLSHello(t *testing.T, resp string) {
	t.Helper()
	if resp != string(behaviors.HelloResponse) {
		t.Errorf("decrypted response %q, want the hello response", resp)
	}
}

func init() {
	tapHidden["tls/3"] = "Decrypted: only the built-in server's note names the decrypted request; on the wire (and the tap) it is ciphertext"

	stepCases["tls/1"] = stepCase{"https", func(t *testing.T, r *rig, s lessons.Step) {
		wantTLSHello(t, tlsCurl(t, r.hostPort(), "localhost", "/", "curl/8.5.0"))
		r.settle(1)
	}, []trial{
		{name: "enter makes an HTTPS request", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			note := r.mustRun(s.Action)
			if !strings.HasPrefix(note, "TLS 1.3, TLS_") {
				t.Errorf("note %q, want the version and cipher", note)
			}
			r.waitDone()
			if e := r.doneEvent(); !serverSent(e) || len(e.Data) < 5 || e.Data[0] != behaviors.RecordApplicationData {
				t.Errorf("completed by %s, want the server's encrypted answer", netcore.TranscriptLine(e))
			}
		}},
		{name: "TLS 1.2 works too", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			raw := r.dial()
			c := tls.Client(raw, &tls.Config{ServerName: "localhost", MaxVersion: tls.VersionTLS12, InsecureSkipVerify: true})
			send(t, c, curlRequest(r.hostPort()))
			wantTLSHello(t, readAll(t, c))
			_ = c.Close()
		}},
		{name: "plain HTTP gets a 400 and does not count", run: func(t *testing.T, r *rig, s lessons.Step) {
			if got := r.exchange(curlRequest(r.hostPort())); !strings.HasPrefix(got, "HTTP/1.1 400 ") {
				t.Errorf("plain HTTP to the TLS server got %q", got)
			}
			r.settle(1)
		}},
		// A ClientHello alone, then the client gives up: no encrypted
		// exchange happened.
		{name: "a ClientHello and a hang-up", run: func(t *testing.T, r *rig, s lessons.Step) {
			raw := r.dial()
			c := tls.Client(raw, &tls.Config{ServerName: "localhost"}) // verifies, so it rejects the self-signed cert
			if err := c.Handshake(); err == nil {
				t.Fatal("a verifying client accepted the self-signed certificate")
			}
			_ = raw.Close()
			r.settle(1)
		}},
	}}

	stepCases["tls/2"] = stepCase{"", func(t *testing.T, r *rig, s lessons.Step) {
		wantTLSHello(t, tlsCurl(t, r.hostPort(), behaviors.SecretName, "/private/diary", "curl/8.5.0"))
		r.settle(1)
	}, []trial{
		{name: "curl --resolve secret.example", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			tlsCurl(t, r.hostPort(), behaviors.SecretName, "/private/diary", "curl/8.5.0")
			r.waitDone()
			var in []byte
			for _, e := range r.matching(serverRecv) {
				in = append(in, e.Data...)
			}
			if !strings.Contains(string(in), behaviors.SecretName) || strings.Contains(string(in), "/private/diary") {
				t.Errorf("on the wire: name in the clear %v, path in the clear %v",
					strings.Contains(string(in), behaviors.SecretName), strings.Contains(string(in), "/private/diary"))
			}
		}},
		{name: "SNI localhost is another name", run: func(t *testing.T, r *rig, s lessons.Step) {
			tlsCurl(t, r.hostPort(), "localhost", "/private/diary", "curl/8.5.0")
			r.settle(1)
		}},
		{name: "no SNI at all (an IP address)", run: func(t *testing.T, r *rig, s lessons.Step) {
			tlsCurl(t, r.hostPort(), "127.0.0.1", "/", "curl/8.5.0")
			r.settle(1)
		}},
	}}

	stepCases["tls/3"] = stepCase{"", func(t *testing.T, r *rig, s lessons.Step) {
		wantTLSHello(t, tlsCurl(t, r.hostPort(), "localhost", "/hidden/page", firefoxUA))
		r.settle(1)
	}, []trial{
		{name: "a browser's request, decrypted", complete: true, run: func(t *testing.T, r *rig, s lessons.Step) {
			tlsCurl(t, r.hostPort(), "localhost", "/hidden/page", firefoxUA)
			r.waitDone()
			if e := r.doneEvent(); e.Kind != netcore.Note || !strings.Contains(e.Text, "GET /hidden/page HTTP/1.1") {
				t.Errorf("completed by %s, want the decrypted request's note", netcore.TranscriptLine(e))
			}
		}},
		{name: "curl's request does not count", run: func(t *testing.T, r *rig, s lessons.Step) {
			tlsCurl(t, r.hostPort(), "localhost", "/hidden/page", "curl/8.5.0")
			r.settle(1)
		}},
		// A browser User-Agent sent in plain HTTP is refused before any
		// request is read, so no decrypted note names it.
		{name: "a browser over plain HTTP", run: func(t *testing.T, r *rig, s lessons.Step) {
			r.exchange(browserRequest(r.hostPort()))
			r.settle(1)
		}},
	}}
}

// Hostile names reach the screen only escaped: a ClientHello whose SNI
// holds terminal control bytes is noted, and the transcript line of that
// note has none of them raw.
func TestTLSHostileServerNameIsEscaped(t *testing.T) {
	r := newServerRig(t, behaviors.TLSHello{}, lessons.Goal{})
	raw := r.dial()
	hostile := "evil\x1b]52;c;aGk=\x07\x1b[2J.example"
	// crypto/tls refuses such a name, so write the ClientHello by hand.
	if _, err := raw.Write(handHello(hostile)); err != nil {
		t.Fatal(err)
	}
	r.waitCount(1, "the ClientHello note", func(e netcore.Event) bool {
		return e.Kind == netcore.Note && strings.Contains(e.Text, "ClientHello")
	})
	for _, e := range r.matching(func(e netcore.Event) bool { return e.Kind == netcore.Note }) {
		line := netcore.TranscriptLine(e)
		if strings.ContainsAny(line, "\x1b\x07") {
			t.Errorf("raw control bytes in %q", line)
		}
		if strings.Contains(e.Text, "ClientHello") && !strings.Contains(line, `\x1b]52`) {
			t.Errorf("the note %q does not show the escaped name", line)
		}
	}
}

// handHello is a minimal ClientHello naming sni, built byte by byte.
func handHello(sni string) []byte {
	u16 := func(n int) []byte { return []byte{byte(n >> 8), byte(n)} }
	name := append(append([]byte{0}, u16(len(sni))...), sni...)
	ext := append(u16(0), u16(len(name)+2)...)
	ext = append(append(ext, u16(len(name))...), name...)
	body := append([]byte{3, 3}, make([]byte, 32)...)
	body = append(body, 0)                // no session id
	body = append(body, 0, 2, 0x13, 0x01) // one cipher suite
	body = append(body, 1, 0)             // null compression
	body = append(append(body, u16(len(ext))...), ext...)
	msg := append([]byte{1, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	return append(append([]byte{0x16, 3, 1}, u16(len(msg))...), msg...)
}

// The decrypted request's note is in the learner's language, and the step
// that waits for it still sees it: the goal finds the request line and
// User-Agent, not English words.
func TestDecryptedGoalInKorean(t *testing.T) {
	course, err := lessons.Load("ko")
	if err != nil {
		t.Fatal(err)
	}
	step := course.Lessons[course.Find("tls")].Steps[2]
	r := newRigWords(t, step.Behavior, step.Goal, lessons.UIStrings("ko"))
	tlsCurl(t, r.hostPort(), "localhost", "/hidden/page", firefoxUA)
	r.waitDone()
	e := r.doneEvent()
	if e.Kind != netcore.Note || !strings.Contains(e.Text, "GET /hidden/page HTTP/1.1") ||
		!strings.ContainsFunc(e.Text, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
		t.Errorf("completed by %s, want the decrypted request's note in Korean", netcore.TranscriptLine(e))
	}
}
