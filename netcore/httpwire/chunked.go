package httpwire

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/tubes-course/tubes/netcore"
)

// This file decodes a chunked request body (RFC 9112 7.1): chunks of
// "size in hex [;extensions] CRLF", that many bytes and CRLF, up to a chunk
// of size 0, then trailer lines and an empty line. A server MUST decode it;
// only codings it does not know are a 501. The decoder is fed bytes as they
// arrive, so ReadRequest streams a chunked body like a Content-Length one.

const (
	// maxChunkLine bounds a chunk-size line with its CRLF, as net/http
	// does (its maxLineLength): a size and its extensions fit easily.
	maxChunkLine = 4096
	// maxTrailerBytes bounds the trailer section (trailer lines and the
	// empty line); net/http reads no more than its 4 KiB buffer either.
	maxTrailerBytes = 4096
	// maxSizeDigits: 16 hex digits are 64 bits.
	maxSizeDigits = 16
	// maxExcess: bytes of framing (size lines, extensions, CRLFs) beyond
	// 16 per chunk and twice its data. A sender may stream one byte per
	// chunk, but not pad each byte with a long extension forever.
	maxExcess = 16 << 10
)

type chunkState uint8

const (
	inSizeLine chunkState = iota
	inData
	inDataEnd
	inTrailer
	chunkDone
)

// chunkDecoder is a chunked body being decoded. keep is how many data
// bytes it holds in body; it counts the rest in n.
type chunkDecoder struct {
	lim    Limits
	keep   int
	parts  bool // record Parts (offsets from base)
	base   int  // offset of the body's first byte in the request
	state  chunkState
	line   []byte // a size or trailer line that has not ended yet
	left   int    // data bytes left in this chunk, or CRLF bytes after it
	pos    int    // bytes of the body consumed so far
	start  int    // where the current part began
	excess int
	n      int // data bytes in all
	chunks int
	size   int // the current chunk's size

	body     []byte
	trailers []Header
	trailerN int // bytes of the trailer section so far
	out      []Part
}

// feed consumes bytes of the body from b and reports how many it used: all
// of b, or fewer once the body has ended (the rest is the next request's).
func (d *chunkDecoder) feed(b []byte) (int, error) {
	used := 0
	for used < len(b) && d.state != chunkDone {
		switch d.state {
		case inSizeLine, inTrailer:
			i := bytes.IndexByte(b[used:], '\n')
			take := len(b) - used
			if i >= 0 {
				take = i + 1
			}
			if err := d.growLine(take); err != nil {
				return used, err
			}
			d.line = append(d.line, b[used:used+take]...)
			used += take
			d.pos += take
			if i < 0 {
				continue
			}
			var err error
			if d.state == inSizeLine {
				err = d.sizeLine()
			} else {
				err = d.trailerLine()
			}
			d.line = d.line[:0]
			if err != nil {
				return used, err
			}
		case inData:
			k := min(d.left, len(b)-used)
			if room := d.keep - len(d.body); room > 0 {
				d.body = append(d.body, b[used:used+min(k, room)]...)
			}
			used += k
			d.pos += k
			d.left -= k
			if d.left == 0 {
				d.part(PartChunkData)
				d.state, d.left = inDataEnd, 2
			}
		case inDataEnd:
			want := "\r\n"[2-d.left]
			if b[used] != want {
				return used, refusef(400, "wire.chunk.noend", d.chunks, strconv.Itoa(d.size), excerpt(b[used:used+1]))
			}
			used++
			d.pos++
			if d.left--; d.left == 0 {
				d.part(PartChunkEnd)
				d.state = inSizeLine
			}
		}
	}
	return used, nil
}

// growLine refuses a line that would pass its bound.
func (d *chunkDecoder) growLine(take int) error {
	if d.state == inSizeLine {
		if len(d.line)+take >= maxChunkLine {
			return refusef(400, "wire.chunk.longline", d.chunks+1, maxChunkLine-1)
		}
		return nil
	}
	most := min(maxTrailerBytes, d.lim.MaxHeaderBytes)
	if d.trailerN+len(d.line)+take > most {
		return refusef(431, "wire.trailer.toolong", most)
	}
	return nil
}

// sizeLine reads "HEX [;ext] CRLF".
func (d *chunkDecoder) sizeLine() error {
	d.chunks++
	line, ok := bytes.CutSuffix(d.line, []byte("\r\n"))
	if !ok || bytes.IndexByte(line, '\r') >= 0 {
		return refusef(400, "wire.chunk.sizecrlf", d.chunks)
	}
	d.excess += len(line) + 2
	hex, ext, hasExt := bytes.Cut(line, []byte(";"))
	if len(hex) == 0 {
		return refusef(400, "wire.chunk.nosize", d.chunks, excerpt(line))
	}
	if len(hex) > maxSizeDigits {
		return refusef(400, "wire.chunk.digits", d.chunks, maxSizeDigits)
	}
	var size uint64 // 16 hex digits fit
	for _, c := range hex {
		if !isHexByte(c) {
			// No sign, no spaces, no 0x: net/http refuses them too, and
			// two programs reading one size two ways is how bodies get
			// smuggled.
			return refusef(400, "wire.chunk.nothex", d.chunks, excerpt(hex))
		}
		size = size<<4 | uint64(hexValue(c))
	}
	if hasExt {
		for _, c := range ext {
			if c < 0x20 && c != '\t' || c == 0x7f {
				return refusef(400, "wire.chunk.extctl", d.chunks)
			}
		}
	}
	if size > uint64(d.lim.MaxBodyBytes-d.n) {
		return refusef(413, "wire.chunk.toolarge", d.lim.MaxBodyBytes)
	}
	d.excess = max(d.excess-16-2*int(size), 0)
	if d.excess > maxExcess {
		return refusef(400, "wire.chunk.excess", maxExcess)
	}
	d.part(PartChunkSize)
	if size == 0 {
		d.state = inTrailer
		return nil
	}
	d.n += int(size)
	d.size = int(size)
	d.state, d.left = inData, int(size)
	return nil
}

// trailerLine reads one trailer line, or the empty line that ends the body.
func (d *chunkDecoder) trailerLine() error {
	d.trailerN += len(d.line)
	line, ok := bytes.CutSuffix(d.line, []byte("\r\n"))
	if !ok || bytes.IndexByte(line, '\r') >= 0 {
		return refusef(400, "wire.trailer.crlf")
	}
	if len(line) == 0 {
		d.part(PartBlank)
		d.state = chunkDone
		return nil
	}
	h, pe := parseHeaderLine(line, 0)
	if pe != nil {
		pe.Reason = netcore.Phrase{Key: "wire.trailer.in", Args: []any{pe.Reason}}
		return pe
	}
	d.trailers = append(d.trailers, h)
	d.part(PartTrailer)
	return nil
}

func (d *chunkDecoder) part(k PartKind) {
	if d.parts {
		d.out = append(d.out, Part{k, d.base + d.start, d.base + d.pos})
	}
	d.start = d.pos
}

func hexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// chunkedCoding checks a request's Transfer-Encoding: exactly "chunked"
// (any case) in one header on HTTP/1.1 is what a server must decode.
// Anything else is a coding this server does not know (501), or, on
// HTTP/1.0, which has no Transfer-Encoding, a framing it cannot trust (400).
func chunkedCoding(req *Request, encodings []string) *ParseError {
	if req.Version == "HTTP/1.0" {
		return refusef(400, "wire.te.http10")
	}
	if len(encodings) != 1 || !equalFoldASCII(encodings[0], "chunked") {
		return refusef(501, "wire.te.unknown", excerpt(strings.Join(encodings, ", ")))
	}
	for _, h := range req.Headers {
		if !equalFoldASCII(h.Name, "Trailer") {
			continue
		}
		for _, name := range strings.Split(h.Value, ",") {
			name = strings.Trim(name, " \t")
			for _, bad := range []string{"Transfer-Encoding", "Content-Length", "Trailer"} {
				if equalFoldASCII(name, bad) {
					return refusef(400, "wire.te.trailer", bad)
				}
			}
		}
	}
	return nil
}

// finish hands the decoded body to req.
func (d *chunkDecoder) finish(req *Request) {
	req.Body, req.BodyLen, req.Chunks, req.Trailers = d.body, d.n, d.chunks, d.trailers
	req.Parts = append(req.Parts, d.out...)
}

// readChunked streams a chunked body from *buf (what came with the
// header, from headerEnd) and then r, keeping the first KeepBody bytes of
// data. The bytes after the body stay in *buf for the next request.
func readChunked(r io.Reader, buf *[]byte, headerEnd int, req *Request, lim Limits) error {
	d := &chunkDecoder{lim: lim, keep: lim.KeepBody}
	used, err := d.feed((*buf)[headerEnd:])
	if err != nil {
		return err
	}
	*buf = (*buf)[:copy(*buf, (*buf)[headerEnd+used:])]
	for empty := 0; d.state != chunkDone; {
		// *buf is empty until the body ends: its room is the scratch.
		scratch := (*buf)[:cap(*buf)]
		k, rerr := r.Read(scratch)
		used, err := d.feed(scratch[:k])
		if err != nil {
			return err
		}
		if d.state == chunkDone {
			*buf = scratch[:copy(scratch, scratch[used:k])]
			break
		}
		if rerr != nil {
			if rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF
			}
			return rerr
		}
		if k == 0 {
			if empty++; empty >= 100 {
				return io.ErrNoProgress
			}
		}
	}
	d.finish(req)
	if req.BodyLen > 0 || req.Chunks > 0 {
		req.Parts = append(req.Parts, Part{PartBody, headerEnd, headerEnd + d.pos})
	}
	return nil
}
