package httpwire

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
)

// The lesson's response (package behaviors' HTTPHello), written out again
// here because behaviors imports this package.
const helloBody = "Hello, world! 🎉"

var helloResponse = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 18\r\nConnection: close\r\n\r\n" + helloBody)

// respSafe: s is one line of text a terminal shows as it is, with no
// control, format (bidi) or invalid bytes.
func respSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// respCase is one response and what the analyzer must find in it.
type respCase struct {
	name   string
	data   string
	closed bool
	// rule is the finding expected first (by offset) among the framing
	// rules; 0 means none. at is its offset.
	rule   ResponseRule
	at     int
	hang   bool
	reason []string // substrings of the finding's reason
}

const okHead = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"

var respCases = []respCase{
	{name: "the lesson's response, closed", data: string(helloResponse), closed: true},
	{name: "the lesson's response, still open", data: string(helloResponse)},
	{name: "no reason phrase", data: "HTTP/1.1 200\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"},
	{name: "HTTP/1.0, closed", data: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", closed: true},
	{name: "no length, closed", data: okHead + "\r\nhello", closed: true},
	{name: "chunked", data: okHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"},
	{name: "204 without a body, open", data: "HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\n\r\n"},

	// The classic mistakes.
	{name: "length counted in characters", data: okHead + "Content-Length: 13\r\n\r\n" + helloBody, closed: true,
		rule: RuleLength, at: len(okHead+"Content-Length: 13\r\n\r\n") + 13,
		reason: []string{"18 bytes were sent after the header but Content-Length says 13", "counts bytes, not characters", "🎉 is 4 bytes"}},
	{name: "length is the number of characters", data: okHead + "Content-Length: 15\r\n\r\n" + helloBody, closed: true,
		rule: RuleLength, at: len(okHead+"Content-Length: 15\r\n\r\n") + 15, reason: []string{"18 bytes were sent", "15 is the number of characters"}},
	{name: "length is JavaScript's .length", data: okHead + "Content-Length: 16\r\n\r\n" + helloBody, closed: true,
		rule: RuleLength, at: len(okHead+"Content-Length: 16\r\n\r\n") + 16, reason: []string{"UTF-16", "Buffer.byteLength"}},
	{name: "length short on Korean", data: okHead + "Content-Length: 7\r\n\r\n안녕, 세상!", closed: true,
		rule: RuleLength, at: len(okHead+"Content-Length: 7\r\n\r\n") + 7, reason: []string{"15 bytes were sent after the header but Content-Length says 7", "안 is 3 bytes", "7 is the number of characters"}},
	{name: "LF-only line endings", data: "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nhi", closed: true,
		rule: RuleLineEnd, at: 15, reason: []string{"the status line ends in a bare LF"}},
	{name: "LF only on a later line", data: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\nContent-Length: 2\r\n\r\nhi", closed: true,
		rule: RuleLineEnd, at: len("HTTP/1.1 200 OK\r\nContent-Type: text/plain"), reason: []string{"line 2 ends in a bare LF"}},
	{name: "no blank line before the body, closed", data: okHead + "Content-Length: 5\r\nhello", closed: true,
		rule: RuleBlankLine, at: len(okHead + "Content-Length: 5\r\n"), reason: []string{"does not end with a blank line", `"hello"`}},
	{name: "no blank line before a body line, open", data: okHead + "Content-Length: 6\r\nhello\n",
		rule: RuleBlankLine, at: len(okHead + "Content-Length: 6\r\n"), reason: []string{"does not end with a blank line"}},
	{name: "no blank line and no body, open", data: okHead + "Content-Length: 0\r\n",
		rule: RuleBlankLine, at: len(okHead + "Content-Length: 0\r\n"), hang: true, reason: []string{"the header never ended"}},
	{name: "no blank line and no body, closed", data: okHead + "Content-Length: 0\r\n", closed: true,
		rule: RuleBlankLine, at: len(okHead + "Content-Length: 0\r\n"), reason: []string{"closed the connection before the header ended"}},
	{name: "no length and no close", data: okHead + "\r\nhello",
		rule: RuleBodyEnd, at: len(okHead + "\r\nhello"), hang: true, reason: []string{"no Content-Length", "kept the connection open", "cannot know the body is complete"}},

	// Lengths.
	{name: "length too long, open", data: okHead + "Content-Length: 30\r\n\r\n" + helloBody,
		rule: RuleLength, at: len(okHead+"Content-Length: 30\r\n\r\n") + 18, hang: true, reason: []string{"only 18 bytes came", "waiting for 12 bytes"}},
	{name: "length too long, closed", data: okHead + "Content-Length: 30\r\n\r\n" + helloBody, closed: true,
		rule: RuleLength, at: len(okHead+"Content-Length: 30\r\n\r\n") + 18, reason: []string{"closed the connection after 18 body bytes", "12 bytes remaining"}},
	{name: "two lengths", data: okHead + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi", closed: true,
		rule: RuleLength, at: len(okHead + "Content-Length: 2\r\n"), reason: []string{"2 Content-Length headers"}},
	{name: "length not a number", data: okHead + "Content-Length: 12abc\r\n\r\nhi", closed: true,
		rule: RuleLength, at: len(okHead + "Content-Length: 12"), reason: []string{"only digits", `"12abc"`}},
	{name: "negative length", data: okHead + "Content-Length: -1\r\n\r\nhi", closed: true,
		rule: RuleLength, at: len(okHead + "Content-Length: "), reason: []string{"only digits"}},
	{name: "empty length", data: okHead + "Content-Length:\r\n\r\nhi", closed: true,
		rule: RuleLength, at: len(okHead + "Content-Length:"), reason: []string{"only digits"}},
	{name: "length and chunked", data: okHead + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		rule: RuleLength, at: len(okHead), reason: []string{"both Content-Length and Transfer-Encoding"}},

	// Status lines.
	{name: "status code runs into the reason", data: "HTTP/1.1 200OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 12, reason: []string{"exactly 3 digits"}},
	{name: "lower-case version", data: "http/1.1 200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 0, reason: []string{"in capitals"}},
	{name: "no version", data: "200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 0, reason: []string{"must start with the version"}},
	{name: "HTTP/2", data: "HTTP/2 200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 5},
	{name: "HTTP/1.2", data: "HTTP/1.2 200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 7},
	{name: "two spaces", data: "HTTP/1.1  200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 9, reason: []string{"more than one space"}},
	{name: "two-digit code", data: "HTTP/1.1 20 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 11},
	{name: "code out of range", data: "HTTP/1.1 999 Huh\r\n\r\n", closed: true, rule: RuleStatusLine, at: 9},
	{name: "no space after the version", data: "HTTP/1.1200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 8},
	{name: "starts with a blank line", data: "\r\nHTTP/1.1 200 OK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 0, reason: []string{"starts with an empty line"}},
	{name: "a control byte in the reason", data: "HTTP/1.1 200 O\x1bK\r\n\r\n", closed: true, rule: RuleStatusLine, at: 14, reason: []string{`\x1b`}},
	{name: "nothing at all", data: "", closed: true, rule: RuleStatusLine, at: 0},

	// Header lines.
	{name: "space before the colon", data: "HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\n\r\n", closed: true,
		rule: RuleHeaderLine, at: len("HTTP/1.1 200 OK\r\nContent-Type"), reason: []string{"space between the header name"}},
	{name: "a header line without a colon, then a blank line", data: "HTTP/1.1 200 OK\r\nbroken\r\nContent-Type: text/plain\r\n\r\n", closed: true,
		rule: RuleHeaderLine, at: len("HTTP/1.1 200 OK\r\n"), reason: []string{"has no colon"}},
	{name: "a folded header", data: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n more\r\n\r\n", closed: true,
		rule: RuleHeaderLine, at: len("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")},
	{name: "a bare CR inside a line", data: "HTTP/1.1 200 OK\r\nContent-Type: text\rplain\r\n\r\n", closed: true,
		rule: RuleLineEnd, at: len("HTTP/1.1 200 OK\r\nContent-Type: text")},

	// Chunked.
	{name: "chunked, never ends", data: okHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
		rule: RuleBodyEnd, at: len(okHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"), hang: true, reason: []string{"chunked body never ended"}},
	{name: "chunk size counted short", data: okHead + "Transfer-Encoding: chunked\r\n\r\n4\r\nhello\r\n0\r\n\r\n", closed: true,
		rule: RuleBodyEnd, at: len(okHead + "Transfer-Encoding: chunked\r\n\r\n4\r\nhell"), reason: []string{"followed by CRLF"}},
	{name: "gzip without chunked", data: okHead + "Transfer-Encoding: gzip\r\n\r\nxx", closed: true,
		rule: RuleBodyEnd, at: len(okHead), reason: []string{"not an encoding clients can be counted on"}},
	{name: "extra bytes after a 204", data: "HTTP/1.1 204 No Content\r\n\r\nhello", closed: true,
		rule: RuleBodyEnd, at: len("HTTP/1.1 204 No Content\r\n\r\n"), reason: []string{"5 more bytes"}},
}

func TestResponseAnalyzer(t *testing.T) {
	for _, tc := range respCases {
		t.Run(tc.name, func(t *testing.T) {
			r := AnalyzeResponse([]byte(tc.data), tc.closed)
			f := r.First(FramingRules...)
			if tc.rule == 0 {
				if f != nil {
					t.Fatalf("unexpected finding %s at %d: %s", f.Rule, f.Offset, reasonOf(t, f))
				}
				if !r.Complete {
					t.Fatalf("response not complete")
				}
				return
			}
			if f == nil {
				t.Fatalf("no finding, want %s at %d", tc.rule, tc.at)
			}
			if f.Rule != tc.rule || f.Offset != tc.at || f.Hang != tc.hang {
				t.Fatalf("first finding %s at %d (hang %v): %s\nwant %s at %d (hang %v)", f.Rule, f.Offset, f.Hang, reasonOf(t, f), tc.rule, tc.at, tc.hang)
			}
			for _, want := range tc.reason {
				if !strings.Contains(reasonOf(t, f), want) {
					t.Errorf("reason %q does not say %q", reasonOf(t, f), want)
				}
			}
		})
	}
}

// The parts of a good response are where they should be.
func TestResponseParts(t *testing.T) {
	r := AnalyzeResponse(helloResponse, true)
	if r.Version != "HTTP/1.1" || r.Status != 200 || r.StatusText != "OK" {
		t.Fatalf("status line: %q %d %q", r.Version, r.Status, r.StatusText)
	}
	if r.Length != 18 || string(r.Body) != helloBody || r.End != len(helloResponse) || r.HeaderEnd != len(helloResponse)-18 {
		t.Fatalf("length %d, body %q, end %d, header end %d", r.Length, r.Body, r.End, r.HeaderEnd)
	}
	if v, ok := r.Get("content-type"); !ok || v != "text/plain; charset=utf-8" {
		t.Fatalf("Content-Type %q %v", v, ok)
	}
	if len(r.Findings) != 0 {
		t.Fatalf("findings: %+v", r.Findings)
	}

	// Complete as soon as the framing says so, before any close.
	for n := 0; n < len(helloResponse); n++ {
		if AnalyzeResponse(helloResponse[:n], false).Complete {
			t.Fatalf("complete after only %d of %d bytes", n, len(helloResponse))
		}
	}
	chunked := okHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	if r := AnalyzeResponse([]byte(chunked), false); !r.Complete || string(r.Body) != "hello" || !r.Chunked {
		t.Fatalf("chunked: complete %v, body %q", r.Complete, r.Body)
	}
}

// Content-Type is its own rule, not a framing one, and has no byte to
// point at.
func TestResponseContentType(t *testing.T) {
	r := AnalyzeResponse([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"), true)
	if f := r.First(FramingRules...); f != nil {
		t.Fatalf("framing finding %s: %s", f.Rule, reasonOf(t, f))
	}
	f := r.Finding(RuleContentType)
	if f == nil || f.Offset != -1 || !strings.Contains(reasonOf(t, f), "Content-Type") {
		t.Fatalf("Content-Type finding: %+v", f)
	}
	if r := AnalyzeResponse(helloResponse, true); r.Finding(RuleContentType) != nil {
		t.Fatal("Content-Type reported missing in the lesson's response")
	}
}

// Reasons are one safe line: hostile bytes in a response are escaped.
func TestResponseReasonsEscaped(t *testing.T) {
	hostile := "\x1b]0;pwned\x07\u202e\r"
	for _, data := range []string{
		"HTTP/1.1 200 OK\r\nX" + hostile + ": 1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nbroken" + hostile + "\r\n",
		okHead + "Content-Length: " + hostile + "\r\n\r\n",
		okHead + "Content-Length: 1\r\n\r\n\u202e\x9b" + hostile,
		"HTTP/1.1 200 " + hostile + "\r\n\r\n",
		"\x1b[2J" + hostile,
	} {
		for _, closed := range []bool{false, true} {
			for _, f := range AnalyzeResponse([]byte(data), closed).Findings {
				if !respSafe(reasonOf(t, &f)) {
					t.Errorf("reason for %q is not safe text: %q", data, reasonOf(t, &f))
				}
				if f.Offset < -1 || f.Offset > len(data) {
					t.Errorf("offset %d out of range for %q", f.Offset, data)
				}
			}
		}
	}
}

// FuzzAnalyzeResponse: never panics, offsets stay in range, reasons are
// safe, and whatever the analyzer takes as a complete, well-framed response
// net/http reads the same way: same status, same body.
func FuzzAnalyzeResponse(f *testing.F) {
	for _, tc := range respCases {
		f.Add([]byte(tc.data), tc.closed)
	}
	f.Fuzz(func(t *testing.T, data []byte, closed bool) {
		r := AnalyzeResponse(data, closed)
		for _, fd := range r.Findings {
			if fd.Offset < -1 || fd.Offset > len(data) {
				t.Fatalf("offset %d out of range (%d bytes)", fd.Offset, len(data))
			}
			if !respSafe(reasonOf(t, &fd)) {
				t.Fatalf("reason is not safe text: %q", reasonOf(t, &fd))
			}
		}
		if !r.Complete || r.First(FramingRules...) != nil {
			return
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data[:r.End])), nil)
		if err != nil {
			t.Fatalf("the analyzer took %q as a good response; net/http: %v", data, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("the analyzer took %q as a good response; net/http reading the body: %v", data, err)
		}
		if resp.StatusCode != r.Status || !bytes.Equal(body, r.Body) {
			t.Fatalf("%q: net/http says %d %q, the analyzer %d %q", data, resp.StatusCode, body, r.Status, r.Body)
		}
	})
}

// The parsed view shows a response's lines where they sit.
func TestResponseLinesAsParts(t *testing.T) {
	data := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	r := AnalyzeResponse(data, false)
	want := []Part{{PartStatusLine, 0, 17}, {PartHeader, 17, 36}, {PartBlank, 36, 38}}
	if len(r.Parts) != len(want) {
		t.Fatalf("parts %v, want %v", r.Parts, want)
	}
	for i, p := range want {
		if r.Parts[i] != p {
			t.Errorf("part %d: %v (%q), want %v", i, r.Parts[i], data[r.Parts[i].Start:r.Parts[i].End], p)
		}
	}
	if r.HeaderEnd != 38 || r.Length != 2 || !r.Complete {
		t.Errorf("header end %d, length %d, complete %v", r.HeaderEnd, r.Length, r.Complete)
	}
}

// The analyzer's words live in tubes check's English words file; the
// tests read it as data (netcore does not import the course's assets).
var (
	checkWordsOnce sync.Once
	checkWords     map[string]string
)

func englishWords(t testing.TB) map[string]string {
	checkWordsOnce.Do(func() {
		checkWords = map[string]string{}
		raw, err := os.ReadFile("../../assets/lessons/en/check.txt")
		if err != nil {
			return
		}
		netcore.ReadWords(checkWords, raw)
	})
	if len(checkWords) == 0 {
		t.Fatal("cannot read assets/lessons/en/check.txt")
	}
	return checkWords
}

// reasonOf is a finding in English words; a key without words fails.
func reasonOf(t testing.TB, f *ResponseFinding) string {
	t.Helper()
	words := englishWords(t)
	for _, k := range f.Phrase.Keys() {
		if _, ok := words[k]; !ok {
			t.Fatalf("finding %s: key %q has no words in check.txt", f.Rule, k)
		}
	}
	return f.Phrase.Say(words)
}
