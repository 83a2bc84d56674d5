package netcore

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestParseTargetAndListen(t *testing.T) {
	for _, tc := range []struct {
		in             string
		target, listen string // the String() wanted; "" means refused
	}{
		{"localhost:3000", "localhost:3000", "localhost:3000"},
		{"127.0.0.1:80", "127.0.0.1:80", "127.0.0.1:80"},
		{"[::1]:8080", "[::1]:8080", "[::1]:8080"},
		{"example.com:65535", "example.com:65535", "example.com:65535"},
		{"예시.kr:8080", "예시.kr:8080", "예시.kr:8080"}, // an IDN host is printable
		{"localhost:0", "", "localhost:0"},
		{":3000", "", ":3000"},
		{"0.0.0.0:3000", "", "0.0.0.0:3000"},
		{"[::]:3000", "", "[::]:3000"},
		{"", "", ""},
		{"3000", "", ""},
		{"localhost", "", ""},
		{"localhost:65536", "", ""},
		{"localhost:70000", "", ""},
		{"localhost:-1", "", ""},
		{"localhost:+80", "", ""},
		{"localhost:http", "", ""},
		{"localhost:", "", ""},
		{"http://localhost:3000/", "", ""},
		{"localhost:3000/x", "", ""},
		{"::1:3000", "", ""},
		{"[::1:3000", "", ""},
		{"[[::1]]:3000", "", ""},
		{"[zz::1]:3000", "", ""},
		{"local host:3000", "", ""},
		{"localhost :3000", "", ""},
	} {
		if got, err := ParseTarget(tc.in); (err == nil) != (tc.target != "") || err == nil && got.String() != tc.target {
			t.Errorf("ParseTarget(%q) = %v, %v; want %q", tc.in, got, err, tc.target)
		}
		if got, err := ParseListen(tc.in); (err == nil) != (tc.listen != "") || err == nil && got.String() != tc.listen {
			t.Errorf("ParseListen(%q) = %v, %v; want %q", tc.in, got, err, tc.listen)
		}
	}
}

// Hostile addresses are refused with one printable line that shows the
// input only escaped.
func TestParseAddressRefusesHostileInput(t *testing.T) {
	for _, in := range []string{
		"local\x1b[2Jhost:3000",     // an ANSI escape
		"localhost:30\r\n00",        // CR LF
		"localhost\x00:3000",        // NUL
		"local\bhost:3000",          // backspace
		"\x9b31mhost:3000",          // a lone C1 byte (invalid UTF-8)
		"host\u009b31m:3000",        // C1 as UTF-8
		"evil\u202ecom.txt:3000",    // right-to-left override
		"a\u2066b\u2069:3000",       // bidi isolates
		"zero\u200bwidth:3000",      // zero-width space
		"\x1b]0;owned\x07host:3000", // an OSC title sequence
		"back\\slash:3000",
		"\xff\xfe:3000",
		"tab\there:3000",
		strings.Repeat("a", 5000) + ":3000",
		strings.Repeat("\x1b", 300) + ":3000",
	} {
		for name, parse := range map[string]func(string) (HostPort, error){"ParseTarget": ParseTarget, "ParseListen": ParseListen} {
			_, err := parse(in)
			if err == nil {
				t.Errorf("%s(%q) accepted", name, in)
				continue
			}
			msg := err.Error()
			if !utf8.ValidString(msg) || len(msg) > 400 || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("%s(%q): error is not one short line: %q", name, in, msg)
			}
			for _, r := range msg {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) {
					t.Errorf("%s(%q): error holds raw %U: %q", name, in, r, msg)
				}
			}
		}
	}
}

func TestLoopbackAndWildcardHosts(t *testing.T) {
	for host, want := range map[string][2]bool{ // {loopback, wildcard}
		"localhost":        {true, false},
		"LOCALHOST":        {true, false},
		"localhost.":       {true, false},
		"127.0.0.1":        {true, false},
		"127.255.0.9":      {true, false},
		"::1":              {true, false},
		"::ffff:127.0.0.2": {true, false},
		"":                 {false, true},
		"0.0.0.0":          {false, true},
		"::":               {false, true},
		"10.0.0.1":         {false, false},
		"128.0.0.1":        {false, false},
		"localhost.evil":   {false, false},
		"example.com":      {false, false},
	} {
		if got := [2]bool{IsLoopbackHost(host), IsWildcardHost(host)}; got != want {
			t.Errorf("%q: loopback, wildcard = %v, want %v", host, got, want)
		}
	}
}
