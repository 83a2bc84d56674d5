package probe

import (
	"bytes"
	"encoding/json"
	"net"
	"os/exec"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// reportSafe: s is text a terminal shows as it is: lines of printable
// characters, with no control, format (bidi) or invalid bytes.
func reportSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// The caret's column is the width of the escaped text before its byte,
// wide characters (emoji, Hangul) counting two.
func TestReportCaretColumn(t *testing.T) {
	b := []byte("HTTP/1.1 200 OK\r\n\tSé: 안녕 🎉\x1b[2J\u202e\xff\x00\\ end")
	for off := 0; off <= len(b); {
		want := uniseg.StringWidth(netcore.Escape(b[:off]))
		if got := CaretColumn(b, off); got != want {
			t.Errorf("offset %d: column %d, want %d (%q)", off, got, want, netcore.Escape(b[:off]))
		}
		if off == len(b) {
			break
		}
		_, size := utf8.DecodeRune(b[off:])
		// Inside a character, the caret stays under its start.
		for in := off + 1; in < off+size; in++ {
			if got := CaretColumn(b, in); got != want {
				t.Errorf("offset %d inside a character: column %d, want %d", in, got, want)
			}
		}
		off += size
	}
}

// reportCaretCheck finds the received line and the caret line under it in
// a text report, and checks that the caret sits under the escaped byte.
func reportCaretCheck(t *testing.T, text string, received []byte, caret int) {
	t.Helper()
	for caret > 0 && caret < len(received) && !utf8.RuneStart(received[caret]) {
		caret-- // the caret goes under the start of a character
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		head, rest, ok := strings.Cut(l, "received: ")
		if !ok || i+1 >= len(lines) || !strings.Contains(lines[i+1], "^") {
			continue
		}
		// Where the shown bytes start: all of them, or a window after "…".
		shown := rest[1:]
		from := 0
		if strings.HasPrefix(rest, `…"`) {
			shown = rest[len(`…"`):]
			for from = 0; from < len(received); from++ {
				if strings.HasPrefix(shown, netcore.Escape(received[from:caret])) && !strings.HasPrefix(shown, netcore.Escape(received[from-1:caret])) {
					break
				}
			}
		}
		before := netcore.Escape(received[from:caret])
		if !strings.HasPrefix(shown, before) {
			t.Fatalf("the received line does not show the bytes before the caret:\n%s\n%q", l, before)
		}
		prefix := l[:len(l)-len(shown)] + before
		col := strings.Index(lines[i+1], "^")
		if want := uniseg.StringWidth(prefix); col != want {
			t.Fatalf("caret at column %d, want %d:\n%s\n%s", col, want, l, lines[i+1])
		}
		_ = head
		return
	}
	t.Fatalf("no received line with a caret under it:\n%s", text)
}

func TestReportCaretLinesUp(t *testing.T) {
	short := []byte("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n안녕, 세상! 🎉 and more")
	long := append(bytes.Repeat([]byte("안녕 🎉 \r\n"), 200), []byte("HERE and the rest")...)
	for _, tc := range []struct {
		received []byte
		caret    int
	}{
		{short, len("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n") + 9},
		{short, len(short)},
		{short, 0},
		{long, bytes.Index(long, []byte("HERE"))},
		{long, 10},
	} {
		rep := &Report{Lesson: "x", Target: "localhost:1", Results: []Result{{Name: "p", Kind: Malformed, Reason: "r", Command: "c", Received: tc.received, Caret: tc.caret}}}
		text := probeText(t, rep)
		if !reportSafe(text) {
			t.Fatalf("unsafe report:\n%s", text)
		}
		reportCaretCheck(t, text, tc.received, tc.caret)
		if len(tc.received) > showBytes && !strings.Contains(text, "showing bytes") {
			t.Errorf("a long reply is not marked as shortened:\n%s", text)
		}
	}
}

// The classic mistake's report, end to end: the caret under the first
// byte past Content-Length, in text and in JSON.
func TestReportClassicMistake(t *testing.T) {
	t.Parallel()
	resp := probeHead + "Content-Length: 13\r\nConnection: close\r\n\r\n" + behaviors.HelloBody
	addr := startProbeServer(t, answerOnce(resp, true))
	rep := probeCheck(t, "http-response", probeOpts(addr))
	text := probeText(t, rep)
	for _, want := range []string{
		"FAIL  Content-Length, when present, equals the body's bytes",
		"why:      malformed reply: 18 bytes were sent after the header but Content-Length says 13; Content-Length counts bytes, not characters (🎉 is 4 bytes)",
		"try:      curl -v --max-time 3 http://" + addr + "/",
		`sent:     "GET / HTTP/1.1\r\nHost: ` + addr,
		"PASS  every line ends in CRLF",
		"1 of 6 probes failed",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
	reportCaretCheck(t, text, []byte(resp), len(resp)-5)

	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b.Bytes(), []byte("\n")) != 1 {
		t.Errorf("JSON is not one line:\n%s", b.Bytes())
	}
	var out struct {
		Lesson, Target string
		Pass           bool
		Passed, Failed int
		Probes         []struct {
			Name, Kind, Reason, Command, Sent, Received string
			Pass                                        bool
			Caret                                       *int
			CaretColumn                                 *int `json:"caret_column"`
		}
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, b.Bytes())
	}
	if out.Lesson != "http-response" || out.Target != addr || out.Pass || out.Failed != 1 || out.Passed != 5 || len(out.Probes) != 6 {
		t.Fatalf("JSON report: %+v", out)
	}
	for _, p := range out.Probes {
		got, err := netcore.Unescape(p.Received)
		if err != nil || string(got) != resp {
			t.Errorf("probe %q: received %q does not unescape to the response (%v)", p.Name, p.Received, err)
		}
		if p.Command == "" || !strings.HasPrefix(p.Sent, `GET / HTTP/1.1\r\n`) {
			t.Errorf("probe %q: command %q, sent %q", p.Name, p.Command, p.Sent)
		}
		if p.Name != "Content-Length, when present, equals the body's bytes" {
			if !p.Pass || p.Kind != "pass" || p.Caret != nil {
				t.Errorf("probe %q: %+v", p.Name, p)
			}
			continue
		}
		if p.Pass || p.Kind != "malformed" || p.Caret == nil || *p.Caret != len(resp)-5 || !strings.Contains(p.Reason, "18 bytes were sent") {
			t.Errorf("failed probe in JSON: %+v", p)
		}
		if p.CaretColumn == nil || *p.CaretColumn != uniseg.StringWidth(netcore.Escape([]byte(resp[:len(resp)-5]))) {
			t.Errorf("caret column %v", p.CaretColumn)
		}
	}
}

// Hostile bytes from a server reach the report only escaped.
func TestReportHostileServer(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGVsbG8=\x07\r\b\x0e\x00\x9b\xc2\x9b\u202e"
	for lesson, resp := range map[string]string{
		"http-response": "HTTP/1.1 200 " + hostile + "\r\nX-" + hostile + ": " + hostile + "\r\nContent-Length: 3\r\n\r\n" + hostile,
		"ping-pong":     hostile,
		"routing":       "HTTP/1.1 404 " + hostile + "\r\nAllow: " + hostile + "\r\nContent-Length: 3\r\n\r\n" + hostile,
		"byte-stream":   hostile + "\n" + hostile + "\n",
	} {
		addr := startProbeServer(t, func(c net.Conn) {
			buf := make([]byte, 4096)
			if _, err := c.Read(buf); err == nil {
				_, _ = c.Write([]byte(resp))
			}
			closePolitely(c)
		})
		rep := probeCheck(t, lesson, probeOpts(addr))
		text := probeText(t, rep)
		if !reportSafe(text) {
			t.Errorf("%s: the text report lets raw bytes through:\n%q", lesson, text)
		}
		var b bytes.Buffer
		if err := rep.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if !reportSafe(b.String()) {
			t.Errorf("%s: the JSON report lets raw bytes through:\n%q", lesson, b.String())
		}
	}
}

// The nc command sends exactly the probe's bytes.
func TestReportPrintfCommand(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, b := range []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "100% \\n it's \"q\" 🎈\t\x01\x7f", "HELLO\r\n", ""} {
		out, err := exec.Command(sh, "-c", "printf "+shellQuote(printfFormat([]byte(b)))).Output()
		if err != nil || string(out) != b {
			t.Errorf("printf %s gives %q (%v), want %q", shellQuote(printfFormat([]byte(b))), out, err, b)
		}
	}
}

func TestReportSummary(t *testing.T) {
	for _, tc := range []struct {
		rep  Report
		want string
	}{
		{Report{Results: []Result{{Pass: true}}}, "the probe passed"},
		{Report{Results: []Result{{Pass: true}, {Pass: true}}}, "all 2 probes passed"},
		{Report{Results: []Result{{}}}, "the probe failed"},
		{Report{Results: []Result{{}, {Pass: true}}}, "1 of 2 probes failed"},
		{Report{NotRun: true, Results: []Result{{}}}, "the server is not reachable; no probe ran"},
	} {
		if got := tc.rep.Summary(); got != tc.want {
			t.Errorf("Summary = %q, want %q", got, tc.want)
		}
	}
}
