package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
)

// The parsed view lays a chunked body out part by part: each size line,
// chunk data and the CRLF after it, the trailer and the final blank line,
// each with its byte offsets, in both languages' words.
func TestParsedViewChunked(t *testing.T) {
	req := "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + // 0–56
		"5;x=1\r\nhello\r\n" + // size 56–63, data 63–68, end 68–70
		"0\r\nX-Sum: 5\r\n\r\n" // size 70–73, trailer 73–83, blank 83–85
	for _, lang := range []string{"en", "ko"} {
		ui := lessons.UIStrings(lang)
		tr := func(k string) string {
			if s, ok := ui[k]; ok {
				return s
			}
			t.Errorf("%s: no interface string %s", lang, k)
			return k
		}
		got := ansi.Strip(strings.Join(parsedLines(newStyles(true, false), tr, []byte(req), 80), "\n"))
		for _, want := range []string{
			"@56–63 " + ui["parsed.chunksize"] + " (7 B)",
			"@63–68 " + ui["parsed.chunkdata"] + " (5 B)",
			"@68–70 " + ui["parsed.chunkend"] + " (2 B)",
			"@70–73 " + ui["parsed.chunksize"] + " (3 B)",
			"@73–83 " + ui["parsed.trailer"] + " (10 B)",
			"@83–85 " + ui["parsed.blankline"] + " (2 B)",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the parsed view lacks %q:\n%s", lang, want, got)
			}
		}
	}
}
