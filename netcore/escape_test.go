package netcore

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileCorpus is input a stranger can send to the port. Each want is the
// exact text that may reach the terminal.
var hostileCorpus = []struct {
	name string
	in   string
	want string
}{
	{"empty", "", ""},
	{"clear screen", "\x1b[2J", `\x1b[2J`},
	{"OSC 0 title set", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
	{"OSC 52 clipboard write", "\x1b]52;c;aGVsbG8=\x07", `\x1b]52;c;aGVsbG8=\x07`},
	{"OSC 52 clipboard read", "\x1b]52;c;?\x07", `\x1b]52;c;?\x07`},
	{"OSC 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\`},
	{"DCS DECRQSS", "\x1bP$qm\x1b\\", `\x1bP$qm\x1b\\`},
	{"cursor position report request", "\x1b[6n", `\x1b[6n`},
	{"title report", "\x1b[21t", `\x1b[21t`},
	{"bare CR overwrite", "safe\rEVIL", `safe\rEVIL`},
	{"backspaces", "abc\b\b\bXYZ", `abc\x08\x08\x08XYZ`},
	{"BEL", "ding\a", `ding\x07`},
	{"SO shift out", "\x0eshifted", `\x0eshifted`},
	{"NUL", "a\x00b", `a\x00b`},
	{"tab", "a\tb", `a\tb`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"8-bit CSI byte", "\x9b2J", `\x9b2J`},
	{"C1 CSI as UTF-8", "\xc2\x9b2J", `\u009b2J`},
	{"C1 NEL as UTF-8", "a\u0085b", `a\u0085b`},
	{"RLO bidi override", "invoice\u202Efdp.exe", `invoice\u202efdp.exe`},
	{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`},
	{"bidi marks", "x\u200Ey\u200Fz\u061C", `x\u200ey\u200fz\u061c`},
	{"bidi embeddings", "\u202A\u202B\u202C\u202D", `\u202a\u202b\u202c\u202d`},
	{"line separator", "line\u2028next", `line\u2028next`},
	{"paragraph separator", "para\u2029next", `para\u2029next`},
	{"BOM", "\uFEFFhi", `\ufeffhi`},
	{"tag character beyond BMP", "flag\U000E0041", `flag\U000e0041`},
	{"OSC never ends", "\x1b]0;never ends... then normal text", `\x1b]0;never ends... then normal text`},
	{"lone 0xff", "\xff", `\xff`},
	{"truncated UTF-8", "\xe2\x82", `\xe2\x82`},
	{"truncated UTF-8 then ASCII", "\xe2\x82A", `\xe2\x82A`},
	{"overlong slash", "\xc0\xaf", `\xc0\xaf`},
	{"UTF-8 encoded surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
	{"backslash", `C:\temp`, `C:\\temp`},
	{"text that looks like an escape", `\x1b[2J`, `\\x1b[2J`},
	{"trailing backslash", `end\`, `end\\`},
	{"emoji passes", "Hello, world! 🎉", "Hello, world! 🎉"},
	{"Korean passes", "안녕, 세상!", "안녕, 세상!"},
	{"combining accent passes", "e\u0301", "e\u0301"},
	{"replacement char passes", "\uFFFD", "\uFFFD"},
	{"request line", "GET / HTTP/1.1\r\n", `GET / HTTP/1.1\r\n`},
	// Characters whose drawn width depends on the terminal.
	{"Hangul filler", "a\u3164b", `a\u3164b`},
	{"Hangul choseong filler", "\u115f", `\u115f`},
	{"Hangul jungseong filler", "\u1100\u1160", "\u1100" + `\u1160`},
	{"halfwidth Hangul filler", "\uffa0", `\uffa0`},
	{"conjoining jamo", "\u1100\u1161\u11a8", "\u1100" + `\u1161\u11a8`},
	{"precomposed Hangul passes", "각", "각"},
	{"skin-tone emoji", "👍🏽", `👍\U0001f3fd`},
	{"flag", "🇰🇷", `\U0001f1f0\U0001f1f7`},
	{"ZWJ family", "👨‍👩‍👧", `👨\u200d👩\u200d👧`},
	{"emoji presentation selector", "❤️", `❤\ufe0f`},
	{"keycap", "#️⃣", `#\ufe0f\u20e3`},
	{"soft hyphen", "soft\u00adhyphen", `soft\u00adhyphen`},
	{"combining grapheme joiner", "a\u034fb", `a\u034fb`},
	{"spacing vowel sign", "\u0915\u093f", "\u0915" + `\u093f`},
}

// bidiControls are the code points that reorder text on screen.
var bidiControls = map[rune]bool{
	0x061c: true, 0x200e: true, 0x200f: true,
	0x202a: true, 0x202b: true, 0x202c: true, 0x202d: true, 0x202e: true,
	0x2066: true, 0x2067: true, 0x2068: true, 0x2069: true,
}

// checkTerminalSafe fails if s holds anything a terminal would act on
// rather than draw.
func checkTerminalSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("escaped output is not valid UTF-8: %q", s)
	}
	for i, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			t.Fatalf("control byte %#x at %d in %q", r, i, s)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("C1 control U+%04X at %d in %q", r, i, s)
		case bidiControls[r]:
			t.Fatalf("bidi control U+%04X at %d in %q", r, i, s)
		case r == 0x2028 || r == 0x2029:
			t.Fatalf("line/paragraph separator U+%04X at %d in %q", r, i, s)
		case r >= utf8.RuneSelf && !unicode.IsPrint(r):
			t.Fatalf("non-printable U+%04X at %d in %q", r, i, s)
		case unicode.Is(unsteadyWidth, r) || unicode.Is(unicode.Mc, r):
			t.Fatalf("U+%04X, whose width depends on the terminal, at %d in %q", r, i, s)
		}
	}
}

// checkEscapeInvariants holds for any input at all.
func checkEscapeInvariants(t *testing.T, in []byte) string {
	t.Helper()
	out := Escape(in)
	checkTerminalSafe(t, out)

	back, err := Unescape(out)
	if err != nil {
		t.Fatalf("Unescape(%q): %v", out, err)
	}
	if string(back) != string(in) {
		t.Fatalf("round trip lost bytes: in %q, escaped %q, back %q", in, out, back)
	}

	var joined strings.Builder
	raw := 0
	EscapePieces(in, func(p Piece) {
		joined.WriteString(p.Text)
		if p.Raw <= 0 {
			t.Fatalf("piece %q stands for %d bytes", p.Text, p.Raw)
		}
		src := string(in[raw : raw+p.Raw])
		if p.Escaped {
			// An escaped piece is one escape sequence for one byte or rune.
			if !strings.HasPrefix(p.Text, `\`) {
				t.Fatalf("escaped piece %q does not start with a backslash", p.Text)
			}
			if b, err := Unescape(p.Text); err != nil || string(b) != src {
				t.Fatalf("escaped piece %q stands for %q, not %q (%v)", p.Text, b, src, err)
			}
		} else if p.Text != src {
			// A plain piece is the input bytes themselves.
			t.Fatalf("plain piece %q differs from its input %q", p.Text, src)
		}
		raw += p.Raw
	})
	if raw != len(in) {
		t.Fatalf("pieces stand for %d bytes, input has %d", raw, len(in))
	}
	if joined.String() != out {
		t.Fatalf("pieces join to %q, Escape gave %q", joined.String(), out)
	}
	return out
}

func TestEscapeHostileCorpus(t *testing.T) {
	for _, tc := range hostileCorpus {
		t.Run(tc.name, func(t *testing.T) {
			got := checkEscapeInvariants(t, []byte(tc.in))
			if got != tc.want {
				t.Fatalf("Escape(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

// Control bytes must be separate escaped pieces so views can dim them.
func TestEscapePiecesMarksEscapes(t *testing.T) {
	var got []Piece
	EscapePieces([]byte("hi\r\n🎉\xff"), func(p Piece) { got = append(got, p) })
	want := []Piece{
		{Text: "hi", Raw: 2},
		{Text: `\r`, Escaped: true, Raw: 1},
		{Text: `\n`, Escaped: true, Raw: 1},
		{Text: "🎉", Raw: 4},
		{Text: `\xff`, Escaped: true, Raw: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d pieces %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("piece %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestUnescapeRejectsMalformed(t *testing.T) {
	for _, s := range []string{`\`, `\q`, `\x`, `\x4`, `\xzz`, `\u12`, `\u12g4`, `\U0001f60`, `ok\`} {
		if b, err := Unescape(s); err == nil {
			t.Errorf("Unescape(%q) = %q, want an error", s, b)
		}
	}
}

// printableText reports whether Escape must leave b exactly as it is.
func printableText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < utf8.RuneSelf {
			if r < 0x20 || r == 0x7f || r == '\\' {
				return false
			}
		} else if !unicode.IsPrint(r) || unicode.Is(unsteadyWidth, r) || unicode.Is(unicode.Mc, r) {
			return false
		}
	}
	return true
}

func FuzzEscape(f *testing.F) {
	for _, tc := range hostileCorpus {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte("\x1b[?1049h\x1b[31mred\x1b[0m"))
	f.Add([]byte{0xf4, 0x90, 0x80, 0x80}) // above U+10FFFF
	f.Add([]byte{0xf0, 0x9f, 0x8e})       // emoji cut short
	f.Fuzz(func(t *testing.T, in []byte) {
		out := checkEscapeInvariants(t, in)
		if printableText(in) && out != string(in) {
			t.Fatalf("printable text %q was changed to %q", in, out)
		}
	})
}

// Unescape reads transcripts a user may have edited; it must not panic.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`\x1b[2J`, `\u202e`, `\U0001f389`, `\`, `\x`, `\Uffffffff`, `\ud800`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Unescape(s)
		if err == nil && !strings.Contains(s, `\`) && string(b) != s {
			t.Fatalf("Unescape changed %q without escapes to %q", s, b)
		}
	})
}
