package behaviors

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
)

// WebSocket framing (RFC 6455), written out so the lesson can show it:
// every message travels in frames, each with a small header.
//
//	byte 0: FIN (1 bit), RSV1-3 (3 bits, 0), opcode (4 bits)
//	byte 1: MASK (1 bit), payload length (7 bits: 0-125, or 126 / 127)
//	then a 16-bit (126) or 64-bit (127) length, then the 4-byte masking
//	key if MASK is set, then the payload.

// Opcodes.
const (
	OpContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	OpClose        = 0x8
	OpPing         = 0x9
	OpPong         = 0xA
)

// Close codes the lesson's server sends.
const (
	CloseNormal      = 1000
	CloseGoingAway   = 1001
	CloseProtocol    = 1002
	CloseUnsupported = 1003
	CloseBadData     = 1007
	CloseTooBig      = 1009
)

// MaxFramePayload bounds one frame's, and one message's, payload.
const MaxFramePayload = 64 << 10

// WebSocketGUID is the fixed string RFC 6455 appends to the client's key.
const WebSocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept for a Sec-WebSocket-Key:
// base64(SHA-1(key + GUID)). It proves the server read this handshake.
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + WebSocketGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// ValidKey: a Sec-WebSocket-Key is 16 random bytes in base64.
func ValidKey(key string) bool {
	b, err := base64.StdEncoding.DecodeString(key)
	return err == nil && len(b) == 16
}

// Frame is one parsed frame. Payload is unmasked.
type Frame struct {
	FIN     bool
	RSV     byte // the three reserved bits; must be 0 without extensions
	Opcode  byte
	Masked  bool
	Key     [4]byte
	Length  uint64 // the payload length the header claims
	Header  int    // header bytes, key included
	Payload []byte
}

// ErrFrameIncomplete: more bytes are needed for the whole frame.
var ErrFrameIncomplete = errors.New("the frame is not complete yet")

// FrameError is a frame that breaks the rules, with the close code the
// receiver answers it with and why (keys srv.ws.err.*), which also goes in
// the close frame, said in the server's words.
type FrameError struct {
	Code   int
	Reason netcore.Phrase
}

// Phrase is the reason, so netcore.SayError says it in words.
func (e *FrameError) Phrase() netcore.Phrase { return e.Reason }

// Error is one line for logs and tests: the code, the reason's key and
// values.
func (e *FrameError) Error() string { return fmt.Sprintf("close %d: %s", e.Code, e.Reason.Say(nil)) }

func frameErr(code int, key string, args ...any) *FrameError {
	return &FrameError{code, netcore.Phrase{Key: key, Args: args}}
}

// ParseFrame reads the frame at the start of b and returns it and its
// size in bytes. A header that claims more than max payload bytes is a
// FrameError (1009) as soon as the header is in; so is a length written
// with more bytes than it needs (1002).
func ParseFrame(b []byte, max int) (Frame, int, error) {
	var f Frame
	if len(b) < 2 {
		return f, 0, ErrFrameIncomplete
	}
	f.FIN = b[0]&0x80 != 0
	f.RSV = b[0] >> 4 & 0x7
	f.Opcode = b[0] & 0x0f
	f.Masked = b[1]&0x80 != 0
	n := uint64(b[1] & 0x7f)
	f.Header = 2
	switch n {
	case 126:
		if len(b) < 4 {
			return f, 0, ErrFrameIncomplete
		}
		n = uint64(binary.BigEndian.Uint16(b[2:]))
		f.Header = 4
		if n < 126 {
			return f, 0, frameErr(CloseProtocol, "srv.ws.err.len16")
		}
	case 127:
		if len(b) < 10 {
			return f, 0, ErrFrameIncomplete
		}
		n = binary.BigEndian.Uint64(b[2:])
		f.Header = 10
		if n>>63 != 0 || n <= 0xffff {
			return f, 0, frameErr(CloseProtocol, "srv.ws.err.len64")
		}
	}
	f.Length = n
	if n > uint64(max) {
		return f, 0, frameErr(CloseTooBig, "srv.ws.err.toobig", n, max)
	}
	if f.Masked {
		if len(b) < f.Header+4 {
			return f, 0, ErrFrameIncomplete
		}
		copy(f.Key[:], b[f.Header:])
		f.Header += 4
	}
	end := f.Header + int(n)
	if len(b) < end {
		return f, 0, ErrFrameIncomplete
	}
	f.Payload = append([]byte(nil), b[f.Header:end]...)
	if f.Masked {
		for i := range f.Payload {
			f.Payload[i] ^= f.Key[i%4]
		}
	}
	return f, end, nil
}

// Check applies the rules every frame from a client must follow.
func (f Frame) Check() error {
	switch {
	case f.RSV != 0:
		return frameErr(CloseProtocol, "srv.ws.err.rsv")
	case !f.Masked:
		return frameErr(CloseProtocol, "srv.ws.err.unmasked")
	case f.Opcode > OpBinary && f.Opcode < OpClose || f.Opcode > OpPong:
		return frameErr(CloseProtocol, "srv.ws.err.opcode", f.Opcode)
	case f.Opcode >= OpClose && (!f.FIN || f.Length > 125):
		return frameErr(CloseProtocol, "srv.ws.err.control")
	}
	return nil
}

// AppendFrame appends a frame with payload p. A key makes it masked, as
// a client's frames are; a server sends nil.
func AppendFrame(b []byte, fin bool, op byte, key *[4]byte, p []byte) []byte {
	b0 := op & 0x0f
	if fin {
		b0 |= 0x80
	}
	var m byte
	if key != nil {
		m = 0x80
	}
	switch n := len(p); {
	case n < 126:
		b = append(b, b0, m|byte(n))
	case n <= 0xffff:
		b = append(b, b0, m|126, byte(n>>8), byte(n))
	default:
		b = append(b, b0, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if key == nil {
		return append(b, p...)
	}
	b = append(b, key[:]...)
	for i, c := range p {
		b = append(b, c^key[i%4])
	}
	return b
}

// ClosePayload is a close frame's payload: a 2-byte code, then a reason.
func ClosePayload(code int, reason string) []byte {
	return append([]byte{byte(code >> 8), byte(code)}, reason...)
}

// ParseClose reads a close frame's payload. An empty one has no code
// (1005 in the API, never sent); one byte, a bad code or a reason that is
// not UTF-8 break the rules.
func ParseClose(p []byte) (code int, reason string, err error) {
	switch {
	case len(p) == 0:
		return 0, "", nil
	case len(p) == 1:
		return 0, "", frameErr(CloseProtocol, "srv.ws.err.close1")
	}
	code = int(binary.BigEndian.Uint16(p))
	if !validCloseCode(code) {
		return code, "", frameErr(CloseProtocol, "srv.ws.err.code", code)
	}
	if !utf8.Valid(p[2:]) {
		return code, "", frameErr(CloseBadData, "srv.ws.err.reasonutf8")
	}
	return code, string(p[2:]), nil
}

func validCloseCode(c int) bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1011, c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// OpcodeName names an opcode for the notes.
func OpcodeName(op byte) string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "reserved"
}

// Describe is the frame's header in one line, and the start of its
// payload, for a Note event (keys srv.ws.frame.*). in says which way it
// went. The field names (FIN, opcode, MASK) are the protocol's own.
func (f Frame) Describe(in bool) netcore.Phrase {
	key := "srv.ws.frame.out"
	if in {
		key = "srv.ws.frame.in"
	}
	mask := "MASK 0"
	if f.Masked {
		mask = fmt.Sprintf("MASK 1 key % x", f.Key)
	}
	fin := 0
	if f.FIN {
		fin = 1
	}
	var rest any = ""
	switch {
	case f.Opcode == OpClose && len(f.Payload) >= 2:
		code, reason, _ := ParseClose(f.Payload)
		rest = netcore.Phrase{Key: "srv.ws.frame.close", Args: []any{code, fmt.Sprintf("%q", reason)}}
	case len(f.Payload) > 0:
		p := f.Payload
		if len(p) > 40 {
			p = p[:40]
		}
		s := fmt.Sprintf(": %q", p)
		if len(p) < len(f.Payload) {
			s += "…"
		}
		rest = s
	}
	return netcore.Phrase{Key: key, Args: []any{firstByte(f), secondByte(f), fin, f.Opcode, OpcodeName(f.Opcode), mask, f.Length, rest}}
}

func firstByte(f Frame) byte {
	b := f.RSV<<4 | f.Opcode
	if f.FIN {
		b |= 0x80
	}
	return b
}

func secondByte(f Frame) byte {
	n := byte(min(f.Length, 125))
	switch {
	case f.Length > 0xffff:
		n = 127
	case f.Length > 125:
		n = 126
	}
	if f.Masked {
		n |= 0x80
	}
	return n
}

// MaxCloseReason is the most bytes a close frame's reason may take: a
// control frame carries at most 125, and the code takes 2.
const MaxCloseReason = 123

// CloseReason says why in words for a close frame, cut at a character's
// edge to fit MaxCloseReason; the words in assets are kept short enough
// (a test checks them), so the cut is only a guard.
func CloseReason(why netcore.Phrase, words map[string]string) string {
	s := why.Say(words)
	if len(s) <= MaxCloseReason {
		return s
	}
	cut := MaxCloseReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
