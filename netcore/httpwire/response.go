package httpwire

import (
	"bytes"
	"fmt"
	"strconv"
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
// bytes that never come, rather than with a wrong answer. Phrase says
// what is wrong in words kept in assets (tubes check's words, "resp."
// keys), so that the report reads in the learner's language; any network
// bytes among its values are escaped.
type ResponseFinding struct {
	Rule   ResponseRule
	Offset int
	Hang   bool
	Phrase netcore.Phrase
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

func (r *Response) add(rule ResponseRule, off int, hang bool, key string, args ...any) {
	r.Findings = append(r.Findings, ResponseFinding{Rule: rule, Offset: off, Hang: hang, Phrase: netcore.Phrase{Key: key, Args: args}})
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
		r.add(RuleStatusLine, 0, !closed, "resp.nothing")
		return r
	}
	if !r.analyzeHeader(data, closed) {
		return r
	}
	r.analyzeBody(data, closed)
	if _, ok := r.Get("Content-Type"); !ok {
		r.add(RuleContentType, -1, false, "resp.notype")
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
			r.add(RuleLineEnd, lf, false, "resp.barelf", lineName(lineNo+1))
		}
		line := data[pos:end]
		if j := bytes.IndexByte(line, '\r'); j >= 0 && !lineEndFound {
			lineEndFound = true
			r.add(RuleLineEnd, pos+j, false, "resp.straycr", lineName(lineNo+1))
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
		then := netcore.Phrase{Key: "resp.then.closed"}
		if !closed {
			then = netcore.Phrase{Key: "resp.then.waits"}
		}
		r.add(RuleBlankLine, pos, !closed, "resp.noblank.partial", excerpt(partial), then)
		return false
	}
	switch {
	case closed:
		r.add(RuleBlankLine, len(data), false, "resp.noblank.closed", lastLine(lineNo, pos < len(data)))
	default:
		r.add(RuleBlankLine, len(data), true, "resp.noblank.open", lastLine(lineNo, pos < len(data)))
	}
	return false
}

func lineName(n int) netcore.Phrase {
	if n == 1 {
		return netcore.Phrase{Key: "resp.line.status"}
	}
	return netcore.Phrase{Key: "resp.line.n", Args: []any{n}}
}

func lastLine(complete int, partial bool) netcore.Phrase {
	if partial {
		return netcore.Phrase{Key: "resp.line.unfinished"}
	}
	if complete == 1 {
		return netcore.Phrase{Key: "resp.line.status"}
	}
	return netcore.Phrase{Key: "resp.line.lastheader"}
}

// statusLine checks "HTTP/1.1 200 OK" at offset off.
func (r *Response) statusLine(line []byte, off int) {
	const prefix = "HTTP/1."
	for i := 0; i < len(prefix); i++ {
		switch {
		case len(line) == 0:
			r.add(RuleStatusLine, off, false, "resp.status.empty")
			return
		case i >= len(line):
			r.add(RuleStatusLine, off+i, false, "resp.status.short", excerpt(line))
			return
		case line[i] != prefix[i]:
			key, start := "resp.status.shape", excerpt(line[:min(len(line), 12)])
			if i == 0 && isDigitByte(line[0]) {
				key = "resp.status.noversion"
			} else if equalFoldASCII(string(line[:min(len(line), len(prefix))]), prefix) {
				key, start = "resp.status.capitals", excerpt(line[:min(len(line), 8)])
			}
			r.add(RuleStatusLine, off+i, false, key, start)
			return
		}
	}
	if len(line) < 8 || line[7] != '1' && line[7] != '0' {
		r.add(RuleStatusLine, off+min(7, len(line)), false, "resp.status.version", excerpt(line[:min(len(line), 8)]))
		return
	}
	r.Version = string(line[:8])
	if len(line) < 9 || line[8] != ' ' {
		r.add(RuleStatusLine, off+min(8, len(line)), false, "resp.status.space", r.Version)
		return
	}
	code := 0
	for i := 9; i < 12; i++ {
		if i >= len(line) || !isDigitByte(line[i]) || i == 9 && (line[i] < '1' || line[i] > '5') {
			what := netcore.Phrase{Key: "resp.code.early"}
			if i < len(line) {
				what = netcore.Phrase{Key: "resp.code.then", Args: []any{excerpt(line[i : i+1])}}
			}
			if i == 9 && i < len(line) && line[i] == ' ' {
				what = netcore.Phrase{Key: "resp.code.spaces"}
			}
			r.add(RuleStatusLine, off+min(i, len(line)), false, "resp.status.code", r.Version, what)
			return
		}
		code = code*10 + int(line[i]-'0')
	}
	r.Status = code
	if len(line) == 12 {
		return // no reason phrase: clients accept that
	}
	if line[12] != ' ' {
		r.add(RuleStatusLine, off+12, false, "resp.status.digits", string(line[9:12]), excerpt(line[12:13]))
		return
	}
	reason := line[13:]
	for i, c := range reason {
		if c < 0x20 && c != '\t' || c == 0x7f {
			r.add(RuleStatusLine, off+13+i, false, "resp.status.control", netcore.Escape([]byte{c}))
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
		r.add(RuleHeaderLine, off, false, "resp.header.folded", lineNo)
		return true
	}
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		if hasBlankLineAfter(data, off) {
			r.add(RuleHeaderLine, off, false, "resp.header.nocolon", lineNo, excerpt(line))
			return true
		}
		r.add(RuleBlankLine, off, false, "resp.noblank.line", lineNo, excerpt(line))
		return false
	}
	name := line[:colon]
	switch {
	case colon == 0:
		r.add(RuleHeaderLine, off, false, "resp.header.noname", lineNo)
	case name[len(name)-1] == ' ' || name[len(name)-1] == '\t':
		at := len(bytes.TrimRight(name, " \t"))
		r.add(RuleHeaderLine, off+at, false, "resp.header.space", lineNo, excerpt(name[:at]))
	case !isToken(string(name)):
		at := 0
		for at < len(name) && isToken(string(name[at:at+1])) {
			at++
		}
		r.add(RuleHeaderLine, off+at, false, "resp.header.badname", excerpt(name), lineNo, excerpt(name[at:at+1]))
	}
	value := line[colon+1:]
	for i, c := range value {
		if c < 0x20 && c != '\t' || c == 0x7f {
			r.add(RuleHeaderLine, off+colon+1+i, false, "resp.header.control", excerpt(name), netcore.Escape([]byte{c}))
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
			r.add(RuleLength, r.headerAt[lengths[0]], false, "resp.length.andte")
		}
		te := encodings[0]
		switch {
		case len(encodings) > 1:
			r.add(RuleBodyEnd, r.headerAt[encodings[1]], false, "resp.te.many", len(encodings))
		case !equalFoldASCII(r.Headers[te].Value, "chunked"):
			r.add(RuleBodyEnd, r.headerAt[te], false, "resp.te.unknown", netcore.Escape([]byte(r.Headers[te].Value)))
		case r.Version == "HTTP/1.0":
			r.add(RuleBodyEnd, r.headerAt[te], false, "resp.te.http10")
		default:
			r.Chunked = true
			r.chunks(data, closed)
			return
		}
		r.untilClose(data, closed, "resp.until.noframing")
		return
	}

	if len(lengths) > 1 {
		r.add(RuleLength, r.headerAt[lengths[1]], false, "resp.length.many", len(lengths))
	}
	for _, li := range lengths {
		if at, ok := badLength(data, r.headerAt[li]); !ok {
			r.add(RuleLength, at, false, "resp.length.digits", excerpt(r.Headers[li].Value))
			r.untilClose(data, closed, "resp.until.nan")
			return
		}
	}
	if len(lengths) > 1 {
		first := r.Headers[lengths[0]].Value
		for _, li := range lengths[1:] {
			if n1, _ := parseLength(first); n1 != mustLength(r.Headers[li].Value) {
				r.untilClose(data, closed, "resp.until.disagree")
				return
			}
		}
	}
	if noBody {
		r.Complete, r.End = true, r.HeaderEnd
		r.extra(data, r.End, netcore.Phrase{Key: "resp.extra.nobody", Args: []any{r.Status}})
		return
	}
	if len(lengths) == 0 {
		r.untilClose(data, closed, "resp.until.nolength")
		return
	}
	n := mustLength(r.Headers[lengths[0]].Value)
	r.Length = n
	switch got := len(rest); {
	case got >= n:
		r.Complete, r.End = true, r.HeaderEnd+n
		r.Body = rest[:n]
		if got > n {
			r.Findings = append(r.Findings, ResponseFinding{Rule: RuleLength, Offset: r.End, Phrase: LengthTooShort(rest, n)})
		}
	case closed:
		r.Body = rest
		r.add(RuleLength, len(data), false, "frame.lengthcut", n, got, n-got)
	default:
		r.Body = rest
		r.add(RuleLength, len(data), true, "frame.lengthshort", n, got, n-got)
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
	r.add(RuleBodyEnd, len(data), true, "resp.until.open", netcore.Phrase{Key: why}, len(rest))
}

// extra reports bytes after the end of the response.
func (r *Response) extra(data []byte, end int, why netcore.Phrase) {
	if end < len(data) {
		r.add(RuleBodyEnd, end, false, "resp.extra", len(data)-end, why)
	}
}

// chunks reads a chunked body: hex size CRLF, data CRLF, ..., 0 CRLF CRLF.
func (r *Response) chunks(data []byte, closed bool) {
	p := r.HeaderEnd
	incomplete := func() {
		if closed {
			r.add(RuleBodyEnd, len(data), false, "frame.chunkcut")
			return
		}
		r.add(RuleBodyEnd, len(data), true, "frame.chunkopen")
	}
	line := func() (start, end int, ok bool) {
		i := bytes.IndexByte(data[p:], '\n')
		if i < 0 {
			return 0, 0, false
		}
		start, lf := p, p+i
		if i == 0 || data[lf-1] != '\r' {
			r.add(RuleBodyEnd, lf, false, "frame.chunklf")
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
				r.add(RuleBodyEnd, i, false, "frame.chunkbig")
				return
			}
			size = size*16 + hexVal(data[i])
			digits++
		}
		if digits == 0 || start+digits < end && data[start+digits] != ';' {
			r.add(RuleBodyEnd, start+digits, false, "resp.chunk.size", excerpt(data[start:min(end, start+12)]))
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
					r.extra(data, p, netcore.Phrase{Key: "resp.extra.chunks"})
					return
				}
				if c := bytes.IndexByte(data[s:e], ':'); c <= 0 || !isToken(string(data[s:s+c])) || hasCTL(data[s+c+1:e]) {
					r.add(RuleBodyEnd, s, false, "resp.chunk.trailer", excerpt(data[s:e]))
					return
				}
			}
		}
		if len(data) < p+size+2 {
			if len(data) > p {
				r.Body = append(r.Body, data[p:min(len(data), p+size)]...)
			}
			if got := len(data) - p; got < size {
				// The data stopped short of the size: say what the size
				// line meant, read as hex, and what came.
				r.Findings = append(r.Findings, ResponseFinding{Rule: RuleBodyEnd, Offset: len(data), Hang: !closed,
					Phrase: ChunkShort(data[start:start+digits], size, got, bytes.Index(data[p:], []byte("\r\n")), closed)})
				return
			}
			incomplete()
			return
		}
		r.Body = append(r.Body, data[p:p+size]...)
		if data[p+size] != '\r' || data[p+size+1] != '\n' {
			r.Findings = append(r.Findings, ResponseFinding{Rule: RuleBodyEnd, Offset: p + size,
				Phrase: ChunkNoCRLF(data[start:start+digits], size, bytes.Index(data[p:p+size], []byte("\r\n")))})
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

// ChunkShort explains a chunk whose data stopped before as many bytes as
// its size line says came: the size is read as hex, and the usual mistake
// is a size written in decimal. digits are the size line's digits as
// sent, size what they say in hex, got the data bytes that came, line
// where the first CRLF among them is (-1: none), closed whether the server
// closed after them (else nothing more came).
func ChunkShort(digits []byte, size, got, line int, closed bool) netcore.Phrase {
	then := netcore.Phrase{Key: "resp.chunk.short.open"}
	if closed {
		then = netcore.Phrase{Key: "resp.chunk.short.closed"}
	}
	came := netcore.Phrase{Key: "resp.chunk.short.all", Args: []any{got, then}}
	if line >= 0 {
		came = netcore.Phrase{Key: "resp.chunk.short.line", Args: []any{line, got, then}}
	}
	return netcore.Phrase{Key: "resp.chunk.short", Args: []any{excerpt(digits), size, came, chunkHex(digits, line)}}
}

// ChunkNoCRLF explains a chunk whose size's worth of bytes is not
// followed by CRLF, with the same hint on hex sizes; line is where a CRLF
// came inside the data (-1: none).
func ChunkNoCRLF(digits []byte, size, line int) netcore.Phrase {
	return netcore.Phrase{Key: "resp.chunk.crlf", Args: []any{excerpt(digits), size, chunkHex(digits, line)}}
}

// chunkHex says chunk sizes are hex; when the digits are, in decimal, the
// count of bytes up to the first line end, it says the size was written in
// decimal, and what that count is in hex.
func chunkHex(digits []byte, line int) netcore.Phrase {
	if line > 0 && string(digits) == strconv.Itoa(line) && line >= 10 {
		return netcore.Phrase{Key: "resp.chunk.decimal", Args: []any{line, fmt.Sprintf("%x", line)}}
	}
	return netcore.Phrase{Key: "resp.chunk.hex"}
}

// LengthTooShort explains a Content-Length smaller than the bytes sent
// after the header, the classic mistake of counting characters.
func LengthTooShort(rest []byte, length int) netcore.Phrase {
	n := len(rest)
	var wide, counted netcore.Phrase
	if chars := MultiByte(rest, 3); len(chars) > 0 {
		wide = netcore.Phrase{Key: "resp.length.bytes", Args: []any{chars}}
		runes := utf8.RuneCount(rest)
		units := len(utf16.Encode([]rune(string(rest))))
		switch length {
		case runes:
			counted = netcore.Phrase{Key: "resp.length.runes", Args: []any{runes}}
		case units:
			counted = netcore.Phrase{Key: "resp.length.utf16", Args: []any{units}}
		}
	}
	return netcore.Phrase{Key: "resp.length.over", Args: []any{n, length, wide, counted, length, n - length}}
}

// MultiByte lists up to most distinct characters of b that take more than
// one byte in UTF-8, each as a phrase like "🎉 is 4 bytes", the character
// escaped for display.
func MultiByte(b []byte, most int) []netcore.Phrase {
	var out []netcore.Phrase
	seen := map[rune]bool{}
	for i := 0; i < len(b) && len(out) < most; {
		r, size := utf8.DecodeRune(b[i:])
		if size > 1 && !seen[r] {
			seen[r] = true
			out = append(out, netcore.Phrase{Key: "resp.char.bytes", Args: []any{netcore.Escape(b[i : i+size]), size}})
		}
		i += size
	}
	return out
}
