package netcore

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Crafted fields: APC, DCS (sixel), SGR, CR/LF, an OSC 0 title, C1 as
// UTF-8 and bidi, as a recording's JSON can carry them raw.
var craftedFields = []string{
	"\x1b_Gf=100;AAAA\x1b\\", "\x1bPq#0;2;0;0;0#0~~@@\x1b\\", "\x1b[31;1mred", "a\r\nb", "\x1b]0;pwned\x07",
	"\u009b2J", "\u202eevil", "\x1b]0;never ends",
}

// craftedLine is one recording line with v in field (and sane others).
func craftedLine(kind, field, v string) string {
	j := map[string]any{"time": "2026-11-24T12:00:00Z", "source": "server", "kind": kind, "conn": 1}
	if kind == "recv" {
		j["bytes"] = 100
	}
	j[field] = v
	b, _ := json.Marshal(j) // JSON keeps control bytes as \u001b, decoded back raw
	return string(b)
}

// A recording that carries terminal sequences in its fields: addresses are
// refused (they must be IP:port), and text read back reaches a transcript
// line escaped. Neither the transcript nor an error holds a control byte.
func TestCraftedRecordingTranscriptHoldsNoControlBytes(t *testing.T) {
	for _, v := range craftedFields {
		for _, field := range []string{"local", "remote"} {
			for _, kind := range []string{"accepted", "connected", "listening", "refused"} {
				line := craftedLine(kind, field, v)
				events, err := ReadRecording(strings.NewReader(line + "\n"))
				if err == nil {
					t.Errorf("%s %s %q: accepted as %q", kind, field, v, TranscriptLine(events[0]))
					continue
				}
				assertNoControl(t, "error", err.Error())
			}
		}
		for _, kind := range []string{"note", "error", "refused", "listening", "recv"} {
			field := "text"
			if kind == "recv" {
				field = "data"
			}
			events, err := ReadRecording(strings.NewReader(craftedLine(kind, field, v) + "\n"))
			if err != nil {
				// A lone backslash (ESC \ ends APC and DCS) is not one of
				// Escape's, so such a field is refused; the error is safe.
				assertNoControl(t, "error", err.Error())
				if !strings.Contains(v, `\`) {
					t.Errorf("%s %s %q: %v", kind, field, v, err)
				}
				continue
			}
			assertNoControl(t, kind+" transcript", TranscriptLine(events[0]))
			assertNoControl(t, kind+" JSON", JSONLine(events[0]))
		}
	}
	events, err := ReadRecording(strings.NewReader(craftedLine("note", "text", "\x1b]0;pwned\x07") + "\n"))
	if err != nil || !strings.HasSuffix(TranscriptLine(events[0]), `note: \x1b]0;pwned\x07`) {
		t.Errorf("title text not shown escaped: %v", err)
	}
	// Real addresses still read back, zones too.
	for _, a := range []string{"127.0.0.1:3000", "[::1]:3000", "[fe80::1%eth0]:8080"} {
		events, err := ReadRecording(strings.NewReader(craftedLine("accepted", "remote", a) + "\n"))
		if err != nil {
			t.Errorf("%s refused: %v", a, err)
		} else if got := TranscriptLine(events[0]); !strings.HasSuffix(got, "accepted "+a) {
			t.Errorf("%s read back as %q", a, got)
		}
	}
	for _, a := range []string{"localhost:3000", "[fe80::1%\x1b[31m]:80", "1.2.3.4", "1.2.3.4:99999", "-"} {
		if _, err := ReadRecording(strings.NewReader(craftedLine("accepted", "remote", a) + "\n")); err == nil {
			t.Errorf("address %q accepted", a)
		}
	}
}

func assertNoControl(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s holds %U at %d: %q", what, r, i, s)
			return
		}
	}
}
