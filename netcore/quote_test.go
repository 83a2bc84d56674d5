package netcore

import (
	"strings"
	"testing"
)

// hostileNames are strings a user might pass as a file name, an address
// or a flag value that would act on a terminal if printed raw.
var hostileNames = []string{
	"\x1b[2J", "\x1b]0;pwned\x07", "\x1b_X\x1b\\x:1", "a\rb\nc", "evil\u202egnp.jsonl", "\u009b31m", "\x7f", "\xff\xfe",
}

func TestQuoteIsSafeAndReversible(t *testing.T) {
	for _, s := range append(hostileNames, "plain.jsonl", `back\slash`) {
		q := Quote(s)
		if !strings.HasPrefix(q, `"`) || !strings.HasSuffix(q, `"`) {
			t.Errorf("Quote(%q) = %s: not quoted", s, q)
		}
		assertSafe(t, q)
		raw, err := Unescape(q[1 : len(q)-1])
		if err != nil || string(raw) != s {
			t.Errorf("Quote(%q) = %s does not unescape back: %q %v", s, q, raw, err)
		}
	}
}

// EscapeText is the last line of defence for whole messages: it makes raw
// input safe and leaves text that is already escaped as it is.
func TestEscapeTextIdempotent(t *testing.T) {
	for _, s := range hostileNames {
		msg := "cannot read " + Quote(s) + " or " + s
		once := EscapeText(msg)
		assertSafe(t, once)
		if twice := EscapeText(once); twice != once {
			t.Errorf("EscapeText is not idempotent: %q then %q", once, twice)
		}
		if !strings.Contains(once, Quote(s)) {
			t.Errorf("EscapeText changed a quoted name: %q lacks %s", once, Quote(s))
		}
	}
	if got := EscapeText(`C:\tubes\x.jsonl`); got != `C:\tubes\x.jsonl` {
		t.Errorf("a backslash must stay one backslash, got %q", got)
	}
}

func assertSafe(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("unsafe rune %U in %q", r, s)
		}
	}
}

func TestPlainHost(t *testing.T) {
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "fe80::1%eth0", "my-box.local", "0.0.0.0"} {
		if !PlainHost(h) {
			t.Errorf("PlainHost(%q) = false", h)
		}
	}
	for _, h := range append(hostileNames, "", "a b", "x/y") {
		if PlainHost(h) {
			t.Errorf("PlainHost(%q) = true", h)
		}
	}
}
