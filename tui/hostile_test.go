package tui

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// hostile is what a prankster in the room might send: screen clears, title
// and clipboard writes, status reports, cursor tricks, 8-bit CSI, bidi.
var hostile = []string{
	"\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]52;c;aGVsbG8=\x07", "\x1b]52;c;?\x07",
	"\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "\x1bP$qm\x1b\\", "\x1b[6n", "\x1b[21t",
	"safe\rEVIL", "abc\b\b\bXYZ", "\a", "\x0e", "\x00", "\x9b31m", "\xc2\x9b31m", "\u202eevil",
	"\x1b]0;never ends and then plain text", "\xff\xfe\xc0\xaf",
}

// sgr is the only escape sequence the screen may hold: our own colours.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func TestHostileBytesReachTheScreenEscaped(t *testing.T) {
	for _, hex := range []bool{false, true} {
		r := newRig(t, "tcp-accept")
		r.size(160, 120) // tall enough that every block stays on screen
		if hex {
			r.m.bytesView.mode = hexMode
		}
		r.press(keyRune('n')) // the nc step: accept-only, long idle
		conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hostile {
			if _, err := conn.Write([]byte(h)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // separate reads, so each gets a block
		}
		conn.Close()
		r.flushUntil(t, func() bool { return r.m.stepDone() && strings.Contains(ansi.Strip(r.m.screen()), "closed by client") })
		for _, f := range []focus{focusEvents, focusBytes} {
			r.m.focus = f
			checkScreenIsSafe(t, r.m.screen())
		}
		plain := ansi.Strip(r.m.screen())
		if !hex {
			for _, want := range []string{`\x1b[2J`, `\x1b]0;pwned\x07`, `\u202e`, `safe\rEVIL`, `\u009b`, `\xff\xfe\xc0\xaf`} {
				if !strings.Contains(plain, want) {
					t.Errorf("escaped form %q not on screen", want)
				}
			}
		}
	}
}

func checkScreenIsSafe(t *testing.T, screen string) {
	t.Helper()
	rest := sgr.ReplaceAllString(screen, "")
	for i, r := range rest {
		switch {
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			t.Fatalf("control byte %#x on screen at %d: %q", r, i, around(rest, i))
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("C1 control %U on screen at %d", r, i)
		case r == utf8.RuneError:
			t.Fatalf("invalid UTF-8 on screen at %d: %q", i, around(rest, i))
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c:
			t.Fatalf("bidi control %U on screen", r)
		}
	}
}

func around(s string, i int) string { return s[max(0, i-20):min(len(s), i+20)] }
