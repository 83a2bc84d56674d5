package probe

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// A reply is read as a stream. A probe keeps the first KeepBytes of it, to
// show and to analyze, and counts the rest; httpFramer follows an HTTP
// response's framing across every byte, so that a valid response of any
// length passes and a broken one is caught wherever it breaks.

// KeepBytes is how much of one reply a probe keeps.
const KeepBytes = 1 << 20

// bodyMode is how a response says where its body ends.
type bodyMode uint8

const (
	modeUnknown bodyMode = iota // the header has not ended yet
	modeNone                    // a status without a body (1xx, 204, 304)
	modeLength                  // Content-Length
	modeChunked                 // Transfer-Encoding: chunked
	modeClose                   // the server's close
)

// chunkState is where a chunked body's reader is.
type chunkState uint8

const (
	chunkSize    chunkState = iota // reading a size line
	chunkData                      // inside a chunk's data
	chunkEnd                       // the CRLF after a chunk's data
	chunkTrailer                   // trailer lines after the last chunk
	chunkDone
)

// maxChunkLine bounds a chunk's size line or a trailer line.
const maxChunkLine = 4 << 10

// httpFramer follows one response's framing, fed its bytes as they come.
type httpFramer struct {
	head    []byte // the bytes until the header ends (at most KeepBytes)
	headEnd int    // where the body starts; -1 until the header ends
	mode    bodyMode
	length  int // for modeLength
	n       int // bytes fed
	body    int // body bytes so far (decoded, for chunked)
	end     int // where the response ends; -1 until it is complete

	cs     chunkState
	left   int // data bytes left in the current chunk
	size   int // the current chunk's size, and its digits as sent
	digits []byte
	// dataLine is where the first CRLF inside the current chunk's data
	// came, counted from its start (-1: none yet); dataCR says its last
	// byte so far was a CR. A size in decimal shows there.
	dataLine int
	dataCR   bool
	crlf     int    // bytes of the CRLF after a chunk seen
	line     []byte // the current size or trailer line
	lineAt   int    // where it starts in the stream
	bad      *httpwire.ResponseFinding
}

func newHTTPFramer() *httpFramer { return &httpFramer{headEnd: -1, end: -1} }

func (f *httpFramer) complete() bool { return f.end >= 0 }

// feed takes the next bytes of the stream and reports whether the
// response is complete.
func (f *httpFramer) feed(b []byte) bool {
	if f.headEnd < 0 {
		old := len(f.head)
		take := min(len(b), KeepBytes-old)
		f.head = append(f.head, b[:take]...)
		f.n += take
		// The header can only have ended where a blank line came.
		from := max(0, old-2)
		if !bytes.Contains(f.head[from:], []byte("\n\n")) && !bytes.Contains(f.head[from:], []byte("\n\r\n")) {
			f.n += len(b) - take
			return false
		}
		r := httpwire.AnalyzeResponse(f.head, false)
		if r.HeaderEnd < 0 {
			f.n += len(b) - take
			return false
		}
		f.headEnd = r.HeaderEnd
		switch {
		case r.Chunked:
			f.mode = modeChunked
		case r.Length >= 0:
			f.mode, f.length = modeLength, r.Length
		case r.Complete && r.End == r.HeaderEnd:
			f.mode = modeNone
		default:
			f.mode = modeClose
		}
		rest := append(f.head[f.headEnd:len(f.head):len(f.head)], b[take:]...)
		f.n = f.headEnd
		f.head = f.head[:f.headEnd]
		b = rest
	}
	switch f.mode {
	case modeNone:
		f.end = f.headEnd
	case modeLength:
		if f.body+len(b) >= f.length && f.end < 0 {
			f.end = f.headEnd + f.length
		}
		f.body += len(b)
	case modeChunked:
		f.chunks(b)
	}
	f.n += len(b)
	return f.complete()
}

// chunks follows a chunked body: hex size CRLF, data CRLF, ..., 0 CRLF,
// trailers, CRLF.
func (f *httpFramer) chunks(b []byte) {
	for i := 0; i < len(b) && f.bad == nil && f.cs != chunkDone; {
		at := f.n + i
		switch f.cs {
		case chunkData:
			k := min(f.left, len(b)-i)
			f.seeData(b[i : i+k])
			f.left -= k
			f.body += k
			i += k
			if f.left == 0 {
				f.cs, f.crlf = chunkEnd, 0
			}
		case chunkEnd:
			if want := "\r\n"[f.crlf]; b[i] != want {
				f.bad = &httpwire.ResponseFinding{Rule: httpwire.RuleBodyEnd, Offset: at - f.crlf,
					Phrase: httpwire.ChunkNoCRLF(f.digits, f.size, f.dataLine)}
				return
			}
			i++
			if f.crlf++; f.crlf == 2 {
				f.cs = chunkSize
			}
		default: // a size line or a trailer line
			if len(f.line) == 0 {
				f.lineAt = at
			}
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				f.line = append(f.line, b[i:]...)
				i = len(b)
			} else {
				f.line = append(f.line, b[i:i+j]...)
				i += j + 1
			}
			if len(f.line) > maxChunkLine {
				f.fail(f.lineAt, "frame.chunkline", maxChunkLine)
				return
			}
			if j >= 0 {
				if !bytes.HasSuffix(f.line, []byte("\r")) {
					f.fail(at+j, "frame.chunklf")
					return
				}
				line := f.line[:len(f.line)-1]
				f.line = f.line[:0]
				f.endLine(line, at+j+1)
			}
		}
	}
}

// endLine handles a whole size or trailer line; next is the offset just
// after it.
func (f *httpFramer) endLine(line []byte, next int) {
	if f.cs == chunkTrailer {
		if len(line) == 0 {
			f.cs, f.end = chunkDone, next
		}
		return
	}
	size, digits := 0, 0
	for _, c := range line {
		v := hexDigit(c)
		if v < 0 {
			break
		}
		if size > 1<<40 {
			f.fail(f.lineAt, "frame.chunkbig")
			return
		}
		size = size*16 + v
		digits++
	}
	if digits == 0 || digits < len(line) && line[digits] != ';' {
		f.fail(f.lineAt+digits, "frame.chunksize", f.lineAt)
		return
	}
	if size == 0 {
		f.cs = chunkTrailer
		return
	}
	f.cs, f.left, f.size = chunkData, size, size
	f.digits = append(f.digits[:0], line[:digits]...)
	f.dataLine, f.dataCR = -1, false
}

// seeData notes where the first CRLF inside the current chunk's data is.
func (f *httpFramer) seeData(b []byte) {
	if f.dataLine >= 0 || len(b) == 0 {
		return
	}
	seen := f.size - f.left // the chunk's bytes before b
	if f.dataCR && b[0] == '\n' {
		f.dataLine = seen - 1
		return
	}
	if i := bytes.Index(b, []byte("\r\n")); i >= 0 {
		f.dataLine = seen + i
		return
	}
	f.dataCR = b[len(b)-1] == '\r'
}

// fail keeps the first broken rule; key names its words in check.txt.
func (f *httpFramer) fail(at int, key string, args ...any) {
	f.bad = &httpwire.ResponseFinding{Rule: httpwire.RuleBodyEnd, Offset: at, Phrase: netcore.Phrase{Key: key, Args: args}}
}

func add(r *httpwire.Response, rule httpwire.ResponseRule, off int, hang bool, key string, args ...any) {
	r.Findings = append(r.Findings, httpwire.ResponseFinding{Rule: rule, Offset: off, Hang: hang, Phrase: netcore.Phrase{Key: key, Args: args}})
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// analyze judges the response in kept, the first bytes of a stream of
// total bytes that f followed. When nothing was cut, it is
// httpwire.AnalyzeResponse on the bytes; when the stream was longer than
// what was kept, the header is judged from the kept bytes and the body's
// framing from f.
func analyze(kept []byte, total int, f *httpFramer, closed bool) *httpwire.Response {
	if total <= len(kept) || f == nil {
		return httpwire.AnalyzeResponse(kept, closed)
	}
	r := httpwire.AnalyzeResponse(kept, false)
	r.Closed = closed
	if f.headEnd < 0 {
		r.Findings = nil
		add(r, httpwire.RuleBlankLine, -1, false, "frame.headlong", KeepBytes)
		return r
	}
	// The kept bytes stop early, so the body is judged from f alone: keep
	// only what was found in the header.
	var keep []httpwire.ResponseFinding
	for _, x := range r.Findings {
		if x.Offset < f.headEnd {
			keep = append(keep, x)
		}
	}
	r.Findings = keep
	r.Complete, r.End = f.complete(), f.end
	switch f.mode {
	case modeLength:
		switch got := f.body; {
		case got > f.length:
			add(r, httpwire.RuleLength, f.end, false, "frame.lengthover", f.length, got, got-f.length, f.length)
		case got < f.length && closed:
			add(r, httpwire.RuleLength, total, false, "frame.lengthcut", f.length, got, f.length-got)
		case got < f.length:
			add(r, httpwire.RuleLength, total, true, "frame.lengthshort", f.length, got, f.length-got)
		}
	case modeChunked:
		switch {
		case f.bad != nil:
			r.Findings = append(r.Findings, *f.bad)
		case !f.complete() && f.cs == chunkData:
			r.Findings = append(r.Findings, httpwire.ResponseFinding{Rule: httpwire.RuleBodyEnd, Offset: total, Hang: !closed,
				Phrase: httpwire.ChunkShort(f.digits, f.size, f.size-f.left, f.dataLine, closed)})
		case !f.complete() && closed:
			add(r, httpwire.RuleBodyEnd, total, false, "frame.chunkcut")
		case !f.complete():
			add(r, httpwire.RuleBodyEnd, total, true, "frame.chunkopen")
		case f.end < total:
			add(r, httpwire.RuleBodyEnd, f.end, false, "frame.afterchunks", total-f.end)
		}
	case modeClose:
		if closed {
			r.Complete, r.End = true, total
		} else {
			add(r, httpwire.RuleBodyEnd, total, true, "frame.noend", total-f.headEnd)
		}
	case modeNone:
		if total > f.headEnd {
			add(r, httpwire.RuleBodyEnd, f.headEnd, false, "frame.nobody", total-f.headEnd, r.Status)
		}
	}
	return r
}
