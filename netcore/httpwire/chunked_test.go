package httpwire

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const chunkedHead = "POST /up HTTP/1.1\r\nHost: localhost:3000\r\nTransfer-Encoding: chunked\r\n\r\n"

// chunkedAccepted are chunked bodies a server must decode.
var chunkedAccepted = []struct {
	name, body, want string
	chunks           int
	trailers         []Header
}{
	{"two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", 3, nil},
	{"upper-case hex and leading zeros", "00A\r\n0123456789\r\n000\r\n\r\n", "0123456789", 2, nil},
	{"an extension", "5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello", 2, nil},
	{"a quoted extension", "3;x=\"a b\"\r\nabc\r\n0\r\n\r\n", "abc", 2, nil},
	{"empty body", "0\r\n\r\n", "", 1, nil},
	{"trailers", "2\r\nhi\r\n0\r\nX-Sum: 42\r\nX-Other:  b \r\n\r\n", "hi", 2, []Header{{"X-Sum", "42"}, {"X-Other", "b"}}},
	{"CRLF inside the data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", 2, nil},
	{"16 hex digits", "0000000000000003\r\nabc\r\n0\r\n\r\n", "abc", 2, nil},
}

// chunkedRejected are chunked bodies a server must refuse.
var chunkedRejected = []struct {
	name, body string
	status     int
	reason     string
}{
	{"size not hex", "g\r\nx\r\n0\r\n\r\n", 400, "hex digits"},
	{"a sign", "+5\r\nhello\r\n0\r\n\r\n", 400, "no sign"},
	{"0x", "0x5\r\nhello\r\n0\r\n\r\n", 400, "0x"},
	{"space after the size", "5 \r\nhello\r\n0\r\n\r\n", 400, "hex digits"},
	{"no size", "\r\nhello\r\n0\r\n\r\n", 400, "no size"},
	{"17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n", 400, "16 hex digits"},
	{"data longer than its size", "3\r\nhello\r\n0\r\n\r\n", 400, "more bytes than its size line says"},
	{"bare LF after the size", "5\nhello\r\n0\r\n\r\n", 400, "CRLF"},
	{"CR inside the size line", "5\r;x\r\nhello\r\n0\r\n\r\n", 400, "CRLF"},
	{"control byte in an extension", "5;a\x01\r\nhello\r\n0\r\n\r\n", 400, "control byte"},
	{"over the body limit", "100001\r\n", 413, "1048576"},
	{"a long size line", "5;" + strings.Repeat("x", 5000) + "\r\nhello\r\n0\r\n\r\n", 400, "longer than 4095"},
	{"obs-fold in a trailer", "0\r\nA: b\r\n c\r\n\r\n", 400, "trailer"},
	{"bare LF in a trailer", "0\r\nA: b\n\r\n", 400, "CRLF"},
	{"long trailers", "0\r\nX: " + strings.Repeat("y", 5000) + "\r\n\r\n", 431, "trailer"},
	{"padding with extensions", strings.Repeat("1;"+strings.Repeat("e", 200)+"\r\nx\r\n", 100) + "0\r\n\r\n", 400, "sizes and extensions"},
}

func TestParseChunked(t *testing.T) {
	for _, tc := range chunkedAccepted {
		t.Run(tc.name, func(t *testing.T) {
			in := chunkedHead + tc.body + "GET / HTTP/1.1\r\n"
			req, n, err := ParseRequest([]byte(in), Limits{})
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if n != len(chunkedHead)+len(tc.body) {
				t.Errorf("used %d bytes, want %d", n, len(chunkedHead)+len(tc.body))
			}
			if !req.Chunked || string(req.Body) != tc.want || req.BodyLen != len(tc.want) || req.Chunks != tc.chunks {
				t.Errorf("chunked %v, body %q (%d), %d chunks; want %q, %d chunks", req.Chunked, req.Body, req.BodyLen, req.Chunks, tc.want, tc.chunks)
			}
			if len(req.Trailers) != len(tc.trailers) || (len(tc.trailers) > 0 && !equalHeaders(req.Trailers, tc.trailers)) {
				t.Errorf("trailers %v, want %v", req.Trailers, tc.trailers)
			}
			checkParsedShape(t, []byte(in), req, n)
		})
	}
}

func equalHeaders(a, b []Header) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestParseChunkedRejects(t *testing.T) {
	for _, tc := range chunkedRejected {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseRequest([]byte(chunkedHead+tc.body), Limits{})
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Status != tc.status || !strings.Contains(english(pe), tc.reason) {
				t.Fatalf("got %v, want %d with %q", err, tc.status, tc.reason)
			}
			checkSafeReason(t, english(pe))
		})
	}
}

// Transfer-Encoding other than chunked is a coding we do not know.
func TestTransferEncodingOtherThanChunked(t *testing.T) {
	for _, te := range []string{"gzip", "gzip, chunked", "identity", "chunked, chunked"} {
		_, _, err := ParseRequest([]byte("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "+te+"\r\n\r\n0\r\n\r\n"), Limits{})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Status != 501 {
			t.Errorf("%q: %v, want 501", te, err)
		}
	}
	_, _, err := ParseRequest([]byte("POST / HTTP/1.1\r\nHost: a\r\nTrailer: Content-Length\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), Limits{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Status != 400 {
		t.Errorf("Trailer: Content-Length: %v, want 400", err)
	}
}

// ReadRequest streams a chunked body one byte at a time, keeps only
// KeepBody bytes of it, and leaves the next request in buf.
func TestReadRequestChunkedStreams(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", 4096) // 64 KiB in 1 KiB chunks
	var wire strings.Builder
	wire.WriteString(chunkedHead)
	for i := 0; i < len(body); i += 1024 {
		wire.WriteString("400;i=x\r\n" + body[i:i+1024] + "\r\n")
	}
	wire.WriteString("0\r\nX-Done: yes\r\n\r\n")
	next := "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
	for _, name := range []string{"whole", "one byte at a time"} {
		t.Run(name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(wire.String() + next)
			if name != "whole" {
				r = iotest.OneByteReader(r)
			}
			var buf []byte
			req, err := ReadRequest(r, &buf, Limits{KeepBody: 100})
			if err != nil {
				t.Fatal(err)
			}
			if req.BodyLen != len(body) || string(req.Body) != body[:100] || req.Chunks != 65 || len(req.Trailers) != 1 {
				t.Errorf("body %d bytes, kept %q, %d chunks, trailers %v", req.BodyLen, req.Body, req.Chunks, req.Trailers)
			}
			if last := req.Parts[len(req.Parts)-1]; last.Kind != PartBody || last.End != wire.Len() {
				t.Errorf("last part %v, want the body ending at %d", last, wire.Len())
			}
			if cap(buf) > 64<<10 {
				t.Errorf("buf grew to %d bytes for a streamed body", cap(buf))
			}
			req2, err := ReadRequest(r, &buf, Limits{})
			if err != nil || req2.Target != "/next" {
				t.Fatalf("next request: %v, %v", req2, err)
			}
		})
	}
	// A body cut short is an unexpected EOF, not a request.
	var buf []byte
	if _, err := ReadRequest(strings.NewReader(chunkedHead+"5\r\nhel"), &buf, Limits{}); err != io.ErrUnexpectedEOF {
		t.Errorf("cut short: %v, want io.ErrUnexpectedEOF", err)
	}
}

// checkChunkedShape: the parts after the head are size lines, each with
// data and an end when its size is not 0, then trailers and the blank line.
func checkChunkedShape(t *testing.T, kinds []PartKind, req *Request) {
	t.Helper()
	i, chunks := 0, 0
	for i < len(kinds) && kinds[i] == PartChunkSize {
		chunks++
		i++
		if i+1 < len(kinds) && kinds[i] == PartChunkData && kinds[i+1] == PartChunkEnd {
			i += 2
			continue
		}
		break
	}
	for i < len(kinds) && kinds[i] == PartTrailer {
		i++
	}
	if i != len(kinds)-1 || kinds[i] != PartBlank || chunks != req.Chunks {
		t.Fatalf("chunked parts %v (%d chunks) are not size, data, end… 0, trailers, blank", kinds, req.Chunks)
	}
}
