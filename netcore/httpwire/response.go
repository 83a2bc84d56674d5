package httpwire

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
)

// This file is a strict HTTP/1.1 response analyzer, the other half of the
// request parser. A client hands it the bytes it received and whether the
// server closed the connection; it finds each rule of a well-formed
// response that those bytes break, with the offset of the first wrong byte
// so that a report can point at it. It parses leniently (a bare LF still
// ends a line, as curl and browsers allow) so that one mistake does not
// hide the others, and records every rule strictly.

// ResponseRule is one rule of a well-formed response.
type ResponseRule uint8

const (
	// RuleStatusLine: HTTP/1.1 (or 1.0), one space, a 3-digit status code,
	// then a space and a reason phrase.
	RuleStatusLine ResponseRule = iota + 1
	// RuleHeaderLine: every header line is Name: value.
	RuleHeaderLine
	// RuleLineEnd: the status line and every header line end in CRLF.
	RuleLineEnd
	// RuleBlankLine: the header ends with an empty line.
	RuleBlankLine
	// RuleLength: at most one Content-Length, only digits, and equal to the
	// number of body bytes the server sent.
	RuleLength
	// RuleBodyEnd: the client can tell where the body ends, from
	// Content-Length, chunked encoding, or the server closing.
	RuleBodyEnd
	// RuleContentType: a Content-Type header says what the body is.
	RuleContentType
)

var ruleNames = [...]string{"", "status-line", "header-line", "line-end", "blank-line", "content-length", "body-end", "content-type"}

func (r ResponseRule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return fmt.Sprintf("ResponseRule(%d)", uint8(r))
}

// ResponseFinding is one broken rule. Offset is the first wrong byte in the
// analyzed bytes; it equals their length when what is wrong is that
// nothing more came, and it is -1 when no one byte is to blame (a header
// that is missing). Hang says the finding leaves a client waiting for
// bytes that never come, rather than with a wrong answer. Reason is one
// line of plain language; any network bytes in it are escaped.
type ResponseFinding struct {
	Rule   ResponseRule
	Offset int
	Hang   bool
	Reason string
}

// Response is what AnalyzeResponse found in the bytes of one response.
type Response struct {
	// Version, Status and StatusText are from the status line, when it
	// has that shape. StatusText came from the network: escape it to show.
	Version    string
	Status     int
	StatusText string
	Headers    []Header
	// HeaderEnd is where the body starts, just after the blank line; -1
	// when the header never ended.
	HeaderEnd int
	// Length is the Content-Length, or -1 when there is none or it is not
	// a single valid number.
	Length  int
	Chunked bool
	// Body is the body as a client takes it: Length bytes, the decoded
	// chunks, or everything up to the close.
	Body []byte
	// Complete: the response's own framing says it is all here. End is
	// where it ends in the analyzed bytes (valid when Complete).
	Complete bool
	End      int
	Closed   bool
	Findings []ResponseFinding
	// Parts are the header's lines as far as they go, each with its line
	// end: the status line, the header lines, the blank line.
	Parts []Part

	headerAt []int // where each header's line starts
}

// Get returns the value of the first header with that name, ignoring case.
func (r *Response) Get(name string) (string, bool) {
	for _, h := range r.Headers {
		if equalFoldASCII(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Finding returns the first finding for rule, or nil.
func (r *Response) Finding(rule ResponseRule) *ResponseFinding {
	for i := range r.Findings {
		if r.Findings[i].Rule == rule {
			return &r.Findings[i]
		}
	}
	return nil
}

// First returns the finding among rules (all rules when none are given)
// whose wrong byte comes first, or nil. Findings without an offset come
// last.
func (r *Response) First(rules ...ResponseRule) *ResponseFinding {
	var best *ResponseFinding
	for i := range r.Findings {
		f := &r.Findings[i]
		if len(rules) > 0 && !hasRule(rules, f.Rule) {
			continue
		}
		if best == nil || f.Offset >= 0 && (best.Offset < 0 || f.Offset < best.Offset) {
			best = f
		}
	}
	return best
}

func hasRule(rules []ResponseRule, r ResponseRule) bool {
	for _, x := range rules {
		if x == r {
			return true
		}
	}
	return false
}

func (r *Response) add(rule ResponseRule, off int, hang bool, format string, args ...any) {
	r.Findings = append(r.Findings, ResponseFinding{Rule: rule, Offset: off, Hang: hang, Reason: fmt.Sprintf(format, args...)})
}

// FramingRules are the rules without which a client cannot read the
// response correctly. Content-Type is advice on top.
var FramingRules = []ResponseRule{RuleStatusLine, RuleHeaderLine, RuleLineEnd, RuleBlankLine, RuleLength, RuleBodyEnd}

// AnalyzeResponse analyzes the response at the start of data. closed says
// the server closed the connection after these bytes; when it did not, a
// response whose end cannot be known yet is reported as a hang. Bytes after
// the end of the response are reported too: a client that sent one request
// expects nothing more.
func AnalyzeResponse(data []byte, closed bool) *Response {
	r := &Response{HeaderEnd: -1, Length: -1, End: -1, Closed: closed}
	if len(data) == 0 {
		r.add(RuleStatusLine, 0, !closed, "no bytes came back")
		return r
	}
	if !r.analyzeHeader(data, closed) {
		return r
	}
	r.analyzeBody(data, closed)
	if _, ok := r.Get("Content-Type"); !ok {
		r.add(RuleContentType, -1, false, "there is no Content-Type header; without it a client must guess what the body is (add one, like Content-Type: text/plain; charset=utf-8)")
	}
	return r
}

// analyzeHeader reads the status line and the header lines. It reports
// whether the header ended, so that the body can be looked at.
func (r *Response) analyzeHeader(data []byte, closed bool) bool {
	pos, lineNo := 0, 0
	lineEndFound := false
	for {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			break
		}
		lf := pos + i
		end := lf
		if i > 0 && data[lf-1] == '\r' {
			end = lf - 1
		} else if !lineEndFound {
			lineEndFound = true
			r.add(RuleLineEnd, lf, false, "%s ends in a bare LF (\\n) without a CR before it; the status line and every header line must end in CRLF (\\r\\n)", lineName(lineNo+1))
		}
		line := data[pos:end]
		if j := bytes.IndexByte(line, '\r'); j >= 0 && !lineEndFound {
			lineEndFound = true
			r.add(RuleLineEnd, pos+j, false, "%s has a CR (\\r) that is not right before its LF; every line ends in exactly CRLF (\\r\\n)", lineName(lineNo+1))
		}
		lineNo++
		switch {
		case lineNo == 1:
			r.Parts = append(r.Parts, Part{PartStatusLine, pos, lf + 1})
			r.statusLine(line, pos)
		case len(line) == 0:
			r.Parts = append(r.Parts, Part{PartBlank, pos, lf + 1})
			r.HeaderEnd = lf + 1
			return true
		default:
			r.Parts = append(r.Parts, Part{PartHeader, pos, lf + 1})
			if !r.headerLine(data, line, pos, lineNo) {
				return false
			}
		}
		pos = lf + 1
	}
	// The header has not ended.
	if lineNo == 0 {
		r.statusLine(data, 0)
	}
	if partial := data[pos:]; lineNo > 0 && len(partial) > 0 && bytes.IndexByte(partial, ':') < 0 {
		// An unfinished line that is no header: the body, most likely,
		// sent right after the headers.
		then := "then the server closed the connection"
		if !closed {
			then = "then nothing more came, and a client keeps waiting for the header to end"
		}
		r.add(RuleBlankLine, pos, !closed, "the header does not end with a blank line: %s, after the last header line, is not a header (Name: value), so the body seems to start there; an empty line (\\r\\n) must come between the header and the body (%s)", excerpt(partial), then)
		return false
	}
	switch {
	case closed:
		r.add(RuleBlankLine, len(data), false, "the server closed the connection before the header ended: no blank line (\\r\\n) came after %s", lastLine(lineNo, pos < len(data)))
	default:
		r.add(RuleBlankLine, len(data), true, "the header never ended: no blank line (\\r\\n) came after %s, and then nothing more; a client keeps waiting for the rest of the header", lastLine(lineNo, pos < len(data)))
	}
	return false
}

func lineName(n int) string {
	if n == 1 {
		return "the status line"
	}
	return fmt.Sprintf("line %d", n)
}

func lastLine(complete int, partial bool) string {
	if partial {
		return "the last line, which is not even finished"
	}
	if complete == 1 {
		return "the status line"
	}
	return "the last header line"
}

// statusLine checks "HTTP/1.1 200 OK" at offset off.
func (r *Response) statusLine(line []byte, off int) {
	const want = "the status line must be the version, a space, a 3-digit status code, a space and a reason, like HTTP/1.1 200 OK"
	const prefix = "HTTP/1."
	for i := 0; i < len(prefix); i++ {
		switch {
		case len(line) == 0:
			r.add(RuleStatusLine, off, false, "the response starts with an empty line; the status line (like HTTP/1.1 200 OK) must come first")
			return
		case i >= len(line):
			r.add(RuleStatusLine, off+i, false, "%s; it ends after %s", want, excerpt(line))
			return
		case line[i] != prefix[i]:
			why := fmt.Sprintf("%s; it starts with %s", want, excerpt(line[:min(len(line), 12)]))
			if i == 0 && isDigitByte(line[0]) {
				why = fmt.Sprintf("the status line must start with the version HTTP/1.1, then the status code, like HTTP/1.1 200 OK; it starts with %s", excerpt(line[:min(len(line), 12)]))
			} else if equalFoldASCII(string(line[:min(len(line), len(prefix))]), prefix) {
				why = fmt.Sprintf("the version must be written HTTP/1.1, in capitals, not %s", excerpt(line[:min(len(line), 8)]))
			}
			r.add(RuleStatusLine, off+i, false, "%s", why)
			return
		}
	}
	if len(line) < 8 || line[7] != '1' && line[7] != '0' {
		r.add(RuleStatusLine, off+min(7, len(line)), false, "the version must be HTTP/1.1 (or HTTP/1.0); it is %s", excerpt(line[:min(len(line), 8)]))
		return
	}
	r.Version = string(line[:8])
	if len(line) < 9 || line[8] != ' ' {
		r.add(RuleStatusLine, off+min(8, len(line)), false, "one space must follow %s, then the 3-digit status code", r.Version)
		return
	}
	code := 0
	for i := 9; i < 12; i++ {
		if i >= len(line) || !isDigitByte(line[i]) || i == 9 && (line[i] < '1' || line[i] > '5') {
			what := "it ends early"
			if i < len(line) {
				what = "then comes " + excerpt(line[i:i+1])
			}
			if i == 9 && i < len(line) && line[i] == ' ' {
				what = "there is more than one space"
			}
			r.add(RuleStatusLine, off+min(i, len(line)), false, "after %s and one space comes a 3-digit status code from 100 to 599; %s", r.Version, what)
			return
		}
		code = code*10 + int(line[i]-'0')
	}
	r.Status = code
	if len(line) == 12 {
		return // no reason phrase: clients accept that
	}
	if line[12] != ' ' {
		r.add(RuleStatusLine, off+12, false, "the status code must be exactly 3 digits, then a space and the reason (like 200 OK); after %s comes %s", string(line[9:12]), excerpt(line[12:13]))
		return
	}
	reason := line[13:]
	for i, c := range reason {
		if c < 0x20 && c != '\t' || c == 0x7f {
			r.add(RuleStatusLine, off+13+i, false, "the reason phrase has a control byte (%s) in it", netcore.Escape([]byte{c}))
			return
		}
	}
	r.StatusText = string(reason)
}

// headerLine checks one "Name: value" line. It returns false when the line
// is not a header at all and no blank line comes later: the body has begun
// without the blank line.
func (r *Response) headerLine(data, line []byte, off, lineNo int) bool {
	if line[0] == ' ' || line[0] == '\t' {
		r.add(RuleHeaderLine, off, false, "line %d starts with a space or tab; a header may not go on over several lines, put it on one line", lineNo)
		return true
	}
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		if hasBlankLineAfter(data, off) {
			r.add(RuleHeaderLine, off, false, "line %d, %s, has no colon; a header line looks like Name: value", lineNo, excerpt(line))
			return true
		}
		r.add(RuleBlankLine, off, false, "the header does not end with a blank line: line %d, %s, is not a header (Name: value), so the body seems to start there; an empty line (\\r\\n) must come between the header and the body", lineNo, excerpt(line))
		return false
	}
	name := line[:colon]
	switch {
	case colon == 0:
		r.add(RuleHeaderLine, off, false, "line %d has no header name before its colon", lineNo)
	case name[len(name)-1] == ' ' || name[len(name)-1] == '\t':
		at := len(bytes.TrimRight(name, " \t"))
		r.add(RuleHeaderLine, off+at, false, "line %d has a space between the header name %s and its colon; the colon must follow the name directly", lineNo, excerpt(name[:at]))
	case !isToken(string(name)):
		at := 0
		for at < len(name) && isToken(string(name[at:at+1])) {
			at++
		}
		r.add(RuleHeaderLine, off+at, false, "the header name %s on line %d has %s in it, which cannot be in a header name", excerpt(name), lineNo, excerpt(name[at:at+1]))
	}
	value := line[colon+1:]
	for i, c := range value {
		if c < 0x20 && c != '\t' || c == 0x7f {
			r.add(RuleHeaderLine, off+colon+1+i, false, "the value of header %s has a control byte (%s) in it", excerpt(name), netcore.Escape([]byte{c}))
			break
		}
	}
	r.Headers = append(r.Headers, Header{Name: string(name), Value: string(bytes.Trim(value, " \t"))})
	r.headerAt = append(r.headerAt, off)
	return true
}

// hasBlankLineAfter reports whether an empty line (CRLF CRLF, or a bare
// LF form) starts at or after the line that begins at off.
func hasBlankLineAfter(data []byte, off int) bool {
	rest := data[off:]
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return false
		}
		if i == 0 || i == 1 && rest[0] == '\r' {
			return true
		}
		rest = rest[i+1:]
	}
}

// analyzeBody works out where the body ends and checks that against what
// came.
func (r *Response) analyzeBody(data []byte, closed bool) {
	var lengths, encodings []int // indexes into Headers
	for i, h := range r.Headers {
		switch {
		case equalFoldASCII(h.Name, "Content-Length"):
			lengths = append(lengths, i)
		case equalFoldASCII(h.Name, "Transfer-Encoding"):
			encodings = append(encodings, i)
		}
	}
	rest := data[r.HeaderEnd:]
	noBody := r.Status/100 == 1 || r.Status == 204 || r.Status == 304

	if len(encodings) > 0 {
		if len(lengths) > 0 {
			r.add(RuleLength, r.headerAt[lengths[0]], false, "the response has both Content-Length and Transfer-Encoding; only one may say where the body ends (drop Content-Length)")
		}
		te := encodings[0]
		switch {
		case len(encodings) > 1:
			r.add(RuleBodyEnd, r.headerAt[encodings[1]], false, "the response has %d Transfer-Encoding headers; send one, Transfer-Encoding: chunked", len(encodings))
		case !equalFoldASCII(r.Headers[te].Value, "chunked"):
			r.add(RuleBodyEnd, r.headerAt[te], false, "Transfer-Encoding: %s is not an encoding clients can be counted on to read; send Transfer-Encoding: chunked, or Content-Length", netcore.Escape([]byte(r.Headers[te].Value)))
		case r.Version == "HTTP/1.0":
			r.add(RuleBodyEnd, r.headerAt[te], false, "an HTTP/1.0 response cannot be chunked: HTTP/1.0 clients ignore Transfer-Encoding; answer with HTTP/1.1, or use Content-Length")
		default:
			r.Chunked = true
			r.chunks(data, closed)
			return
		}
		r.untilClose(data, closed, "no Content-Length and no Transfer-Encoding a client can read")
		return
	}

	if len(lengths) > 1 {
		r.add(RuleLength, r.headerAt[lengths[1]], false, "the response has %d Content-Length headers; it must have exactly one", len(lengths))
	}
	for _, li := range lengths {
		if at, ok := badLength(data, r.headerAt[li]); !ok {
			r.add(RuleLength, at, false, "Content-Length must be a number of bytes, only digits, not %s", excerpt(r.Headers[li].Value))
			r.untilClose(data, closed, "its Content-Length is not a number")
			return
		}
	}
	if len(lengths) > 1 {
		first := r.Headers[lengths[0]].Value
		for _, li := range lengths[1:] {
			if n1, _ := parseLength(first); n1 != mustLength(r.Headers[li].Value) {
				r.untilClose(data, closed, "its Content-Length headers disagree")
				return
			}
		}
	}
	if noBody {
		r.Complete, r.End = true, r.HeaderEnd
		r.extra(data, r.End, fmt.Sprintf("a %d response has no body", r.Status))
		return
	}
	if len(lengths) == 0 {
		r.untilClose(data, closed, "")
		return
	}
	n := mustLength(r.Headers[lengths[0]].Value)
	r.Length = n
	switch got := len(rest); {
	case got >= n:
		r.Complete, r.End = true, r.HeaderEnd+n
		r.Body = rest[:n]
		if got > n {
			r.add(RuleLength, r.End, false, "%s", LengthTooShort(rest, n))
		}
	case closed:
		r.Body = rest
		r.add(RuleLength, len(data), false, "Content-Length says %d, but the server closed the connection after %d body bytes; a client reports the response as cut off (curl: transfer closed with %d bytes remaining to read)", n, got, n-got)
	default:
		r.Body = rest
		r.add(RuleLength, len(data), true, "Content-Length says %d, but only %d bytes came after the header, and then nothing more; a client keeps waiting for %d bytes that never come", n, got, n-got)
	}
}

// badLength checks the value of the Content-Length line that starts at
// off, and returns the offset of its first wrong byte.
func badLength(data []byte, off int) (int, bool) {
	colon := off + bytes.IndexByte(data[off:], ':')
	i := colon + 1
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	start := i
	for i < len(data) && isDigitByte(data[i]) {
		i++
	}
	j := i
	for j < len(data) && (data[j] == ' ' || data[j] == '\t') {
		j++
	}
	if i == start || j >= len(data) || data[j] != '\r' && data[j] != '\n' {
		return i, false
	}
	return 0, true
}

func mustLength(s string) int {
	n, _ := parseLength(s)
	return n
}

// untilClose handles a body whose end is the connection's end.
func (r *Response) untilClose(data []byte, closed bool, why string) {
	rest := data[r.HeaderEnd:]
	r.Body = rest
	if closed {
		r.Complete, r.End = true, len(data)
		return
	}
	what := "no Content-Length (and no Transfer-Encoding: chunked)"
	if why != "" {
		what = why
	}
	r.add(RuleBodyEnd, len(data), true, "the response has %s, and the server kept the connection open after %d body bytes; a client cannot know the body is complete, so it waits until the server closes: send Content-Length, or close the connection after the body", what, len(rest))
}

// extra reports bytes after the end of the response.
func (r *Response) extra(data []byte, end int, why string) {
	if end < len(data) {
		r.add(RuleBodyEnd, end, false, "%d more bytes came after the end of the response (%s); a client takes them for the start of another response", len(data)-end, why)
	}
}

// chunks reads a chunked body: hex size CRLF, data CRLF, ..., 0 CRLF CRLF.
func (r *Response) chunks(data []byte, closed bool) {
	p := r.HeaderEnd
	incomplete := func() {
		if closed {
			r.add(RuleBodyEnd, len(data), false, "the server closed the connection before the chunked body ended; it ends with a chunk of size 0 (0\\r\\n\\r\\n)")
			return
		}
		r.add(RuleBodyEnd, len(data), true, "the chunked body never ended: it ends with a chunk of size 0 (0\\r\\n\\r\\n), and that did not come; a client keeps waiting")
	}
	line := func() (start, end int, ok bool) {
		i := bytes.IndexByte(data[p:], '\n')
		if i < 0 {
			return 0, 0, false
		}
		start, lf := p, p+i
		if i == 0 || data[lf-1] != '\r' {
			r.add(RuleBodyEnd, lf, false, "a line of the chunked body ends in a bare LF (\\n); chunk lines end in CRLF (\\r\\n)")
			end = lf
		} else {
			end = lf - 1
		}
		p = lf + 1
		return start, end, true
	}
	for {
		start, end, ok := line()
		if !ok {
			incomplete()
			return
		}
		size, digits := 0, 0
		for i := start; i < end && isHexByte(data[i]); i++ {
			if size > 1<<30 {
				r.add(RuleBodyEnd, i, false, "a chunk size is far too large")
				return
			}
			size = size*16 + hexVal(data[i])
			digits++
		}
		if digits == 0 || start+digits < end && data[start+digits] != ';' {
			r.add(RuleBodyEnd, start+digits, false, "a chunk must start with its size in hex digits, then CRLF; this one starts with %s", excerpt(data[start:min(end, start+12)]))
			return
		}
		if size == 0 {
			for { // trailer lines, then the empty line
				s, e, ok := line()
				if !ok {
					incomplete()
					return
				}
				if s == e {
					r.Complete, r.End = true, p
					r.extra(data, p, "after the last chunk")
					return
				}
				if c := bytes.IndexByte(data[s:e], ':'); c <= 0 || !isToken(string(data[s:s+c])) || hasCTL(data[s+c+1:e]) {
					r.add(RuleBodyEnd, s, false, "after the last chunk (0) comes %s, which is not a trailer header (Name: value); end the chunked body with 0\\r\\n\\r\\n", excerpt(data[s:e]))
					return
				}
			}
		}
		if len(data) < p+size+2 {
			if len(data) > p {
				r.Body = append(r.Body, data[p:min(len(data), p+size)]...)
			}
			incomplete()
			return
		}
		r.Body = append(r.Body, data[p:p+size]...)
		if data[p+size] != '\r' || data[p+size+1] != '\n' {
			r.add(RuleBodyEnd, p+size, false, "a chunk of %d bytes must be followed by CRLF (\\r\\n); the chunk size must count the chunk's bytes exactly", size)
			return
		}
		p += size + 2
	}
}

func hasCTL(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

func hexVal(c byte) int {
	switch {
	case isDigitByte(c):
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// LengthTooShort explains a Content-Length smaller than the bytes sent
// after the header, the classic mistake of counting characters.
func LengthTooShort(rest []byte, length int) string {
	n := len(rest)
	var b strings.Builder
	fmt.Fprintf(&b, "%d bytes were sent after the header but Content-Length says %d", n, length)
	if wide := MultiByte(rest, 3); len(wide) > 0 {
		b.WriteString("; Content-Length counts bytes, not characters (" + strings.Join(wide, ", ") + ")")
		runes := utf8.RuneCount(rest)
		units := len(utf16.Encode([]rune(string(rest))))
		switch length {
		case runes:
			fmt.Fprintf(&b, "; %d is the number of characters", runes)
		case units:
			fmt.Fprintf(&b, "; %d is the length in UTF-16 units, what JavaScript's .length counts (Buffer.byteLength(body) counts bytes)", units)
		}
	}
	fmt.Fprintf(&b, ". A client takes %d bytes as the body and cuts off the other %d", length, n-length)
	return b.String()
}

// MultiByte lists up to most distinct characters of b that take more than
// one byte in UTF-8, each as "🎉 is 4 bytes", escaped for display.
func MultiByte(b []byte, most int) []string {
	var out []string
	seen := map[rune]bool{}
	for i := 0; i < len(b) && len(out) < most; {
		r, size := utf8.DecodeRune(b[i:])
		if size > 1 && !seen[r] {
			seen[r] = true
			out = append(out, fmt.Sprintf("%s is %d bytes", netcore.Escape(b[i:i+size]), size))
		}
		i += size
	}
	return out
}
