package plain

import (
	"net"
	"testing"
	"time"
)

// hostile is what a prankster in the room might send: screen clears, title
// and clipboard writes, status reports, cursor tricks, 8-bit CSI, bidi.
var hostile = []string{
	"\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]52;c;aGVsbG8=\x07", "\x1b]52;c;?\x07",
	"\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "\x1bP$qm\x1b\\", "\x1b[6n", "\x1b[21t",
	"safe\rEVIL", "abc\b\b\bXYZ", "\a", "\x0e", "\x00", "\x9b31m", "\xc2\x9b31m", "\u202eevil",
	"\x1b]0;never ends and then plain text", "\xff\xfe\xc0\xaf",
}

// A raw TCP client sends escape sequences and control bytes; the plain
// output shows them escaped and holds none of them.
func TestHostileBytesArePrintedEscaped(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			r := start(t, lang, "tcp-accept", 1) // the nc step: accept-only, long idle
			r.waitFor(t, r.header("tcp-accept", 1))
			conn, err := net.Dial("tcp", r.addr())
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hostile {
				if _, err := conn.Write([]byte(h)); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond) // separate reads, so each gets a line
			}
			conn.Close()
			r.waitFor(t, r.ui["lesson.done"]) // bytes from outside: the step's goal
			r.waitFor(t, "closed by client")
			r.send(t, "q")
			if err := r.finish(t); err != nil {
				t.Fatal(err)
			}
			out := r.out.String()
			checkSafe(t, out)
			r.seen = 0
			for _, want := range []string{`\x1b[2J`, `\x1b]0;pwned\x07`, `\u202e`, `safe\rEVIL`, `\u009b`, `\xff\xfe\xc0\xaf`} {
				r.waitFor(t, want)
				r.seen = 0
			}
		})
	}
}

// What the learner types is untrusted too: an unknown command and a
// message with escapes are shown only escaped.
func TestHostileInputIsPrintedEscaped(t *testing.T) {
	r := start(t, "en", "ping-pong", 2)
	r.waitFor(t, r.header("ping-pong", 2))
	r.send(t, "\x1b[2J\x1b]0;pwned\x07")
	r.waitFor(t, r.ui["plain.unknown"]+` \x1b[2J\x1b]0;pwned\x07`)
	r.send(t, "m \x1b]52;c;aGVsbG8=\x07\u202e")
	r.waitFor(t, `"\x1b]52;c;aGVsbG8=\x07\u202e"`)
	r.waitFor(t, r.ui["lesson.done"])
	r.send(t, "q")
	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	checkSafe(t, r.out.String())
}
