package httpwire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strings"

	"github.com/tubes-course/tubes/netcore"
)

// This file is a small, strict HTTP/1.1 request parser. It is what the
// request lessons show: a request is a request line, header lines, an empty
// line, and then exactly Content-Length bytes of body. Every line ends in
// CRLF. Anything a real server must refuse is refused here too, with the
// status to answer and a reason written for a learner.

// PartKind labels a span of a request or response for the parsed view.
type PartKind uint8

const (
	PartRequestLine PartKind = iota
	PartHeader
	PartBlank // the empty line that ends the header
	PartBody
	// the parts of a chunked body (chunked.go)
	PartChunkSize  // "5;ext\r\n"
	PartChunkData  // the chunk's bytes
	PartChunkEnd   // the CRLF after them
	PartTrailer    // a trailer line after the 0 chunk
	PartStatusLine // a response's first line
)

func (k PartKind) String() string {
	switch k {
	case PartRequestLine:
		return "request line"
	case PartHeader:
		return "header"
	case PartBlank:
		return "blank line"
	case PartBody:
		return "body"
	case PartChunkSize:
		return "chunk size"
	case PartChunkData:
		return "chunk data"
	case PartChunkEnd:
		return "chunk end"
	case PartTrailer:
		return "trailer"
	case PartStatusLine:
		return "status line"
	}
	return fmt.Sprintf("PartKind(%d)", uint8(k))
}

// Part is where one piece of the request sits: bytes [Start, End) of the
// input, End including its CRLF for lines.
type Part struct {
	Kind       PartKind
	Start, End int
}

// Header is one header line. Name is as sent; Value has the spaces and tabs
// around it trimmed.
type Header struct{ Name, Value string }

// Request is one parsed request. It keeps no reference to the parsed bytes.
type Request struct {
	Method, Target, Version string
	Headers                 []Header
	// Body is the body, or with ReadRequest its first Limits.KeepBody
	// bytes; BodyLen is the body's full length, from Content-Length or,
	// for a chunked body, its decoded bytes.
	Body    []byte
	BodyLen int
	// Chunked: the body came with Transfer-Encoding: chunked; Chunks
	// counts its chunks (the 0 chunk too) and Trailers are the header
	// lines after it.
	Chunked  bool
	Chunks   int
	Trailers []Header
	Parts    []Part
	// Close: the client asked to close after this response: HTTP/1.0
	// without "Connection: keep-alive", or any "Connection: close" token.
	Close bool
}

// Get returns the first header with that name, ignoring case.
func (r *Request) Get(name string) (string, bool) {
	for _, h := range r.Headers {
		if equalFoldASCII(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// ErrIncomplete: the bytes so far are a valid prefix; read more.
var ErrIncomplete = errors.New("incomplete request")

// ParseError is a request the server must refuse, with the status to answer
// (400, 413, 431, 501, 505) and the reason for learners as a Phrase (keys
// wire.*), said in the course's language by whoever shows it. Any request
// bytes among its values are escaped and quoted, so it says one safe line.
type ParseError struct {
	Status int
	Reason netcore.Phrase
}

// Phrase is the reason, so netcore.SayError says it in words.
func (e *ParseError) Phrase() netcore.Phrase { return e.Reason }

// Error is one line for logs and tests: the status, then the reason's key
// and values (no words: netcore holds none).
func (e *ParseError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, statusText(e.Status), e.Reason.Say(nil))
}

func statusText(status int) string {
	switch status {
	case 400:
		return "Bad Request"
	case 413:
		return "Content Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Error"
}

// refusef refuses with the words under key, filled with args.
func refusef(status int, key string, args ...any) *ParseError {
	return &ParseError{Status: status, Reason: netcore.Phrase{Key: key, Args: args}}
}

// Limits bound what one request may take. Zero (or negative) fields mean the
// defaults: 8 KiB of header (request line, headers and the blank line) and
// 1 MiB of body.
type Limits struct {
	MaxHeaderBytes int
	MaxBodyBytes   int
	// KeepBody is how many bytes of a body ReadRequest keeps; it reads and
	// counts the rest without holding it. Zero: 16 KiB.
	KeepBody int
}

const (
	defaultMaxHeaderBytes = 8 << 10
	defaultMaxBodyBytes   = 1 << 20
	defaultKeepBody       = 16 << 10
)

func (l Limits) orDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = defaultMaxHeaderBytes
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = defaultMaxBodyBytes
	}
	if l.KeepBody <= 0 {
		l.KeepBody = defaultKeepBody
	}
	return l
}

// ParseRequest parses one request at the start of b. It returns the request
// and how many bytes it used (header + body), ErrIncomplete when more bytes
// are needed, or a *ParseError. Limits do not wait for the rest: a header
// that has gone past MaxHeaderBytes without its blank line is a 431 at
// once, and a Content-Length above MaxBodyBytes is a 413 before any body
// arrives. Bytes after the request are left alone: they belong to the next
// one. Part offsets count from the start of b.
func ParseRequest(b []byte, lim Limits) (*Request, int, error) {
	req, n, _, err := parseRequest(b, lim.orDefaults())
	if err != nil {
		return nil, 0, err
	}
	return req, n, nil
}

// parseRequest is ParseRequest that also says, when the request is
// incomplete, how many bytes it needs in all (0 if not known yet), so a
// reader does not parse the header again for every byte of a slow body.
func parseRequest(b []byte, lim Limits) (req *Request, n, need int, err error) {
	req, headerEnd, err := parseHead(b, lim)
	if err != nil {
		return nil, 0, 0, err
	}
	if req.Chunked {
		d := &chunkDecoder{lim: lim, keep: lim.MaxBodyBytes, parts: true, base: headerEnd}
		used, err := d.feed(b[headerEnd:])
		if err != nil {
			return nil, 0, 0, err
		}
		if d.state != chunkDone {
			return nil, 0, 0, ErrIncomplete
		}
		d.finish(req)
		return req, headerEnd + used, 0, nil
	}
	end := headerEnd + req.BodyLen
	if len(b) < end {
		return nil, 0, end, ErrIncomplete
	}
	if req.BodyLen > 0 {
		req.Body = bytes.Clone(b[headerEnd:end])
		req.Parts = append(req.Parts, Part{PartBody, headerEnd, end})
	}
	return req, end, 0, nil
}

// ParseHead parses the request line and headers at the start of b and
// checks them as ParseRequest does, without waiting for the body: it
// returns the request with BodyLen set and no Body, and where the body
// starts. ErrIncomplete: the blank line has not come yet.
func ParseHead(b []byte, lim Limits) (req *Request, headerEnd int, err error) {
	return parseHead(b, lim.orDefaults())
}

func parseHead(b []byte, lim Limits) (req *Request, headerEnd int, err error) {
	// The header must fit in MaxHeaderBytes, so look no further for it.
	head := b
	if len(head) > lim.MaxHeaderBytes {
		head = head[:lim.MaxHeaderBytes]
	}
	req = &Request{}
	pos := 0
	for lineNo := 1; ; lineNo++ {
		line, next, perr := cutLine(head, pos, lineNo)
		if perr == ErrIncomplete {
			if len(b) >= lim.MaxHeaderBytes {
				// The blank line did not come within the limit, so the
				// header can only end past it.
				return nil, 0, refusef(431, "wire.head.toolong", lim.MaxHeaderBytes)
			}
			return nil, 0, ErrIncomplete
		}
		if perr != nil {
			return nil, 0, perr
		}
		switch {
		case lineNo == 1:
			if pe := parseRequestLine(line, req); pe != nil {
				return nil, 0, pe
			}
			req.Parts = append(req.Parts, Part{PartRequestLine, pos, next})
		case len(line) == 0:
			req.Parts = append(req.Parts, Part{PartBlank, pos, next})
			return checkHead(next, req, lim)
		default:
			h, pe := parseHeaderLine(line, lineNo)
			if pe != nil {
				return nil, 0, pe
			}
			req.Headers = append(req.Headers, h)
			req.Parts = append(req.Parts, Part{PartHeader, pos, next})
		}
		pos = next
	}
}

// cutLine returns the line that starts at pos, without its CRLF, and where
// the next line starts. HTTP lines end in CR LF, both bytes, always.
func cutLine(b []byte, pos, lineNo int) (line []byte, next int, err error) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return nil, 0, ErrIncomplete
	}
	end := pos + i // the LF
	if i == 0 || b[end-1] != '\r' {
		return nil, 0, refusef(400, "wire.line.barelf", lineNo)
	}
	line = b[pos : end-1]
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, 0, refusef(400, "wire.line.cr", lineNo)
	}
	return line, end + 1, nil
}

// parseRequestLine reads "METHOD SP request-target SP HTTP-version".
func parseRequestLine(line []byte, req *Request) *ParseError {
	if len(line) == 0 {
		// RFC 9112 2.2 lets a server skip empty lines before a request.
		// net/http's ReadRequest does not (its Server skips a few only
		// after a POST, for old clients), and neither do we.
		return refusef(400, "wire.reqline.empty")
	}
	fields := strings.Split(string(line), " ")
	if len(fields) != 3 || fields[0] == "" || fields[1] == "" || fields[2] == "" {
		return refusef(400, "wire.reqline.shape", excerpt(line))
	}
	method, target, version := fields[0], fields[1], fields[2]

	// The version comes first: it says which rules the rest follows.
	if version != "HTTP/1.1" && version != "HTTP/1.0" {
		if looksLikeVersion(version) {
			return refusef(505, "wire.version.unsupported", version)
		}
		return refusef(400, "wire.version.bad", excerpt(version))
	}
	if !isToken(method) {
		return refusef(400, "wire.method.bad", excerpt(method))
	}
	if pe := checkTarget(method, target); pe != nil {
		return pe
	}
	req.Method, req.Target, req.Version = method, target, version
	return nil
}

// looksLikeVersion reports whether v has the shape of an HTTP version we do
// not speak, like HTTP/2.0 or HTTP/3: that is a 505, not a typo.
func looksLikeVersion(v string) bool {
	d, ok := strings.CutPrefix(v, "HTTP/")
	if !ok || len(d) == 0 || !isDigitByte(d[0]) {
		return false
	}
	return len(d) == 1 || len(d) == 3 && d[1] == '.' && isDigitByte(d[2])
}

// checkTarget accepts the target forms an origin server needs: a path
// (origin-form, "/index.html?x=1"), a full http:// or https:// URL
// (absolute-form, sent to proxies), and "*" for OPTIONS (asterisk-form).
func checkTarget(method, t string) *ParseError {
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return refusef(400, "wire.target.ctl", netcore.Escape([]byte{c}))
		case c >= 0x80:
			return refusef(400, "wire.target.nonascii", excerpt(t))
		case c == '#':
			return refusef(400, "wire.target.fragment", excerpt(t))
		case c == '%' && (i+2 >= len(t) || !isHexByte(t[i+1]) || !isHexByte(t[i+2])):
			return refusef(400, "wire.target.percent", excerpt(t))
		}
	}
	switch {
	case t == "*":
		if method != "OPTIONS" {
			return refusef(400, "wire.target.star", method)
		}
		return nil
	case t[0] == '/':
		return nil
	}
	rest, ok := cutPrefixFold(t, "http://")
	if !ok {
		rest, ok = cutPrefixFold(t, "https://")
	}
	if !ok {
		return refusef(400, "wire.target.form", excerpt(t))
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
	}
	if why := checkAuthority(authority); why.Key != "" {
		return refusef(400, "wire.target.url", why)
	}
	return nil
}

// checkAuthority checks host[:port] as in a URL or a Host header: a name
// (or IPv4 address), or an IPv6 address in brackets, and digits for the
// port. It returns what is wrong (keys wire.auth.*), or no Phrase.
func checkAuthority(a string) netcore.Phrase {
	say := func(key string, args ...any) netcore.Phrase { return netcore.Phrase{Key: key, Args: args} }
	host, port, hasPort := a, "", false
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return say("wire.auth.ipv6open")
		}
		host = a[:end+1]
		if !validIPv6(a[1:end]) {
			return say("wire.auth.ipv6bad", excerpt(host))
		}
		if after := a[end+1:]; after != "" {
			if after[0] != ':' {
				return say("wire.auth.afterhost", excerpt(after))
			}
			port, hasPort = after[1:], true
		}
	} else {
		host, port, hasPort = strings.Cut(a, ":")
		if host == "" {
			return say("wire.auth.nohost")
		}
		for i := 0; i < len(host); i++ {
			if !isRegName(host[i]) {
				return say("wire.auth.hostchar", excerpt(host), excerpt(host[i:i+1]))
			}
		}
	}
	for i := 0; hasPort && i < len(port); i++ {
		if !isDigitByte(port[i]) {
			return say("wire.auth.port", excerpt(port))
		}
	}
	return netcore.Phrase{}
}

func validIPv6(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isHexByte(c) && c != ':' && c != '.' {
			return false
		}
	}
	addr, err := netip.ParseAddr(s)
	return err == nil && addr.Is6()
}

// parseHeaderLine reads "field-name: value".
func parseHeaderLine(line []byte, lineNo int) (Header, *ParseError) {
	if line[0] == ' ' || line[0] == '\t' {
		// Old HTTP let a header go on over several lines (obs-fold). Two
		// programs can disagree about such lines, so RFC 9112 forbids them.
		return Header{}, refusef(400, "wire.header.fold", lineNo)
	}
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return Header{}, refusef(400, "wire.header.nocolon", lineNo, excerpt(line))
	}
	name := line[:colon]
	if colon == 0 {
		return Header{}, refusef(400, "wire.header.noname", lineNo)
	}
	if c := name[len(name)-1]; c == ' ' || c == '\t' {
		// A server that drops the space and a proxy that keeps it would
		// disagree on the request (request smuggling), so it is refused.
		return Header{}, refusef(400, "wire.header.space", lineNo, excerpt(bytes.TrimRight(name, " \t")))
	}
	if !isToken(string(name)) {
		return Header{}, refusef(400, "wire.header.name", excerpt(name), lineNo)
	}
	value := line[colon+1:]
	for _, c := range value {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return Header{}, refusef(400, "wire.header.ctl", string(name), netcore.Escape([]byte{c}))
		}
	}
	return Header{Name: string(name), Value: string(bytes.Trim(value, " \t"))}, nil
}

// checkHead checks what the headers say together and sets BodyLen.
// headerEnd is where the body starts.
func checkHead(headerEnd int, req *Request, lim Limits) (*Request, int, error) {
	var hosts, lengths, encodings []string
	for _, h := range req.Headers {
		switch {
		case equalFoldASCII(h.Name, "Host"):
			hosts = append(hosts, h.Value)
		case equalFoldASCII(h.Name, "Content-Length"):
			lengths = append(lengths, h.Value)
		case equalFoldASCII(h.Name, "Transfer-Encoding"):
			encodings = append(encodings, h.Value)
		}
	}

	// Host says which site the client wants; HTTP/1.1 made it required.
	switch {
	case len(hosts) == 0 && req.Version == "HTTP/1.1":
		return nil, 0, refusef(400, "wire.host.missing")
	case len(hosts) > 1:
		return nil, 0, refusef(400, "wire.host.many", len(hosts))
	case len(hosts) == 1 && hosts[0] != "":
		if why := checkAuthority(hosts[0]); why.Key != "" {
			return nil, 0, refusef(400, "wire.host.bad", why)
		}
	}

	// Where the body ends must be beyond doubt: two lengths, or a length
	// and an encoding, are how requests get smuggled past a proxy.
	if len(lengths) > 1 {
		return nil, 0, refusef(400, "wire.length.many", len(lengths))
	}
	if len(encodings) > 0 {
		if len(lengths) > 0 {
			return nil, 0, refusef(400, "wire.length.both")
		}
		if pe := chunkedCoding(req, encodings); pe != nil {
			return nil, 0, pe
		}
		req.Chunked = true
	}
	size := 0 // no Content-Length: no body
	if len(lengths) == 1 {
		var ok bool
		if size, ok = parseLength(lengths[0]); !ok {
			return nil, 0, refusef(400, "wire.length.digits", excerpt(lengths[0]))
		}
		if size > lim.MaxBodyBytes {
			return nil, 0, refusef(413, "wire.body.toolarge", lim.MaxBodyBytes)
		}
	}
	req.Close = wantsClose(req)
	req.BodyLen = size
	return req, headerEnd, nil
}

// parseLength reads a Content-Length: digits only. Numbers too big for an
// int become math.MaxInt, which is above any limit.
func parseLength(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return 0, false
		}
		d := int(s[i] - '0')
		if n > (math.MaxInt-d)/10 {
			n = math.MaxInt
		} else {
			n = n*10 + d
		}
	}
	return n, true
}

// wantsClose: HTTP/1.1 connections stay open unless the client says
// "close"; HTTP/1.0 ones close unless it says "keep-alive".
func wantsClose(req *Request) bool {
	closing, keepAlive := false, false
	for _, h := range req.Headers {
		if !equalFoldASCII(h.Name, "Connection") {
			continue
		}
		for _, tok := range strings.Split(h.Value, ",") {
			tok = strings.Trim(tok, " \t")
			closing = closing || equalFoldASCII(tok, "close")
			keepAlive = keepAlive || equalFoldASCII(tok, "keep-alive")
		}
	}
	return closing || req.Version == "HTTP/1.0" && !keepAlive
}

// ReadRequest reads one request from r. *buf holds bytes read but not yet
// used, so use the same buf for every request on a connection (keep-alive).
// The header is read into *buf (at most MaxHeaderBytes and one read more);
// the body is streamed: its first KeepBody bytes are kept in Body, the rest
// is read and counted, never held, so a connection costs a few KiB however
// long its body. It returns io.EOF if r ends cleanly before any byte of a
// request, io.ErrUnexpectedEOF if it ends in the middle of one, a
// *ParseError for a request to refuse, or r's error.
func ReadRequest(r io.Reader, buf *[]byte, lim Limits) (*Request, error) {
	lim = lim.orDefaults()
	req, headerEnd, err := readHead(r, buf, lim)
	if err != nil {
		return nil, err
	}
	if req.Chunked {
		return req, readChunked(r, buf, headerEnd, req, lim)
	}
	// Body bytes that came with the header are in *buf already.
	inBuf := min(len(*buf)-headerEnd, req.BodyLen)
	kept := min(req.BodyLen, lim.KeepBody)
	var body []byte
	if kept > 0 {
		body = append(make([]byte, 0, kept), (*buf)[headerEnd:headerEnd+min(inBuf, kept)]...)
	}
	// Move what follows to the front: the next request's first bytes.
	*buf = (*buf)[:copy(*buf, (*buf)[headerEnd+inBuf:])]
	if rest := req.BodyLen - inBuf; rest > 0 {
		// *buf is empty now; its room is scratch for the rest of the body.
		// Read no further than the body, so nothing of the next request
		// is read here.
		scratch := (*buf)[:cap(*buf)]
		for empty := 0; rest > 0; {
			k, err := r.Read(scratch[:min(len(scratch), rest)])
			if room := kept - len(body); room > 0 {
				body = append(body, scratch[:min(k, room)]...)
			}
			rest -= k
			if rest > 0 && err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, err
			}
			if k == 0 && err == nil {
				if empty++; empty >= 100 {
					return nil, io.ErrNoProgress
				}
			}
		}
	}
	if req.BodyLen > 0 {
		req.Body = body
		req.Parts = append(req.Parts, Part{PartBody, headerEnd, headerEnd + req.BodyLen})
	}
	return req, nil
}

// readHead reads into *buf until a request's header parses, and returns it
// with where its body starts in *buf.
func readHead(r io.Reader, buf *[]byte, lim Limits) (*Request, int, error) {
	fresh := true // bytes arrived since the last parse
	var readErr error
	for empty := 0; ; {
		if fresh && len(*buf) > 0 {
			req, headerEnd, err := parseHead(*buf, lim)
			if err == nil {
				return req, headerEnd, nil
			}
			if err != ErrIncomplete {
				return nil, 0, err
			}
		}
		if readErr != nil {
			if readErr == io.EOF && len(*buf) > 0 {
				return nil, 0, io.ErrUnexpectedEOF
			}
			return nil, 0, readErr
		}
		if cap(*buf)-len(*buf) < 1024 {
			// The header fits in MaxHeaderBytes, so this stays bounded.
			grown := make([]byte, len(*buf), 2*cap(*buf)+4096)
			copy(grown, *buf)
			*buf = grown
		}
		var k int
		k, readErr = r.Read((*buf)[len(*buf):cap(*buf)])
		*buf = (*buf)[:len(*buf)+k]
		fresh = k > 0
		if k == 0 && readErr == nil {
			// A reader that keeps returning nothing would spin forever.
			if empty++; empty >= 100 {
				return nil, 0, io.ErrNoProgress
			}
		}
	}
}

// excerpt quotes up to 40 bytes of the request for a reason, escaped: they
// came from the network and end up on a screen.
func excerpt[T []byte | string](b T) string {
	const most = 40
	if len(b) > most {
		return `"` + netcore.Escape([]byte(b[:most])) + `…"`
	}
	return `"` + netcore.Escape([]byte(b)) + `"`
}

// isToken reports whether s is an RFC 9110 token, what methods and header
// names are made of: letters, digits and !#$%&'*+-.^_`|~.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetterByte(c) && !isDigitByte(c) && strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}

// isRegName reports whether c may be in a host name (RFC 3986 reg-name,
// without percent escapes): letters, digits, -._~ and !$&'()*+,;=.
func isRegName(c byte) bool {
	return isLetterByte(c) || isDigitByte(c) || strings.IndexByte("-._~!$&'()*+,;=", c) >= 0
}

func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigitByte(c byte) bool  { return '0' <= c && c <= '9' }
func isHexByte(c byte) bool    { return isDigitByte(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII compares ignoring ASCII case only: header names are ASCII.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !equalFoldASCII(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
