package behaviors

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/tubes-course/tubes/netcore"
)

// A TLS connection opens with the client's ClientHello, sent before any
// key exists: whoever sees the bytes can read it. This small parser pulls
// out what the tls lesson shows: the record header, the server name (SNI)
// and the protocols the client offers (ALPN).

// TLS record types, the first byte of every record.
const (
	RecordChangeCipherSpec = 0x14
	RecordAlert            = 0x15
	RecordHandshake        = 0x16
	RecordApplicationData  = 0x17
)

// ClientHello is what a ClientHello says in the clear. ServerName and ALPN
// came from the network: show them only through netcore.Escape.
type ClientHello struct {
	RecordVersion uint16 // the first record's header version (0x0301 for compatibility)
	RecordLen     int    // the first record's length
	Version       uint16 // the legacy version field (0x0303)
	Versions      []uint16
	Ciphers       int // how many cipher suites it offers
	ServerName    string
	ALPN          []string
}

// ErrHelloIncomplete: more bytes are needed to see the whole ClientHello.
var ErrHelloIncomplete = errors.New("the ClientHello is not complete yet")

// HelloError is bytes that are not a ClientHello, and why (keys
// srv.tls.hello.*), for the note that says so.
type HelloError struct{ Reason netcore.Phrase }

func (e *HelloError) Error() string { return e.Reason.Say(nil) }

func helloErr(key string, args ...any) error { return &HelloError{say(key, args...)} }

// maxHello bounds a ClientHello; real ones are a few hundred bytes to 2 KiB.
const maxHello = 64 << 10

// ParseClientHello reads the ClientHello at the start of b, the first
// bytes a client sent: one or more handshake records. It returns
// ErrHelloIncomplete while b holds only part of it, and another error when
// b does not start with a ClientHello.
func ParseClientHello(b []byte) (ClientHello, error) {
	var h ClientHello
	var msg []byte
	need := -1 // the handshake message's length, once known
	for first := true; need < 0 || len(msg) < need; first = false {
		if len(b) < 5 {
			return h, ErrHelloIncomplete
		}
		if b[0] != RecordHandshake {
			if first {
				return h, helloErr("srv.tls.hello.record", b[0])
			}
			return h, helloErr("srv.tls.hello.cut")
		}
		n := int(b[3])<<8 | int(b[4])
		if b[1] != 3 || n == 0 || n > 16384+256 {
			return h, helloErr("srv.tls.hello.header", fmt.Sprintf("% x", b[:5]))
		}
		if first {
			h.RecordVersion, h.RecordLen = uint16(b[1])<<8|uint16(b[2]), n
		}
		if len(b) < 5+n {
			return h, ErrHelloIncomplete
		}
		msg = append(msg, b[5:5+n]...)
		b = b[5+n:]
		if need < 0 && len(msg) >= 4 {
			if msg[0] != 1 {
				return h, helloErr("srv.tls.hello.type", msg[0])
			}
			need = 4 + (int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3]))
			if need > maxHello {
				return h, helloErr("srv.tls.hello.long", need)
			}
		}
	}
	return h, h.parseBody(msg[4:need])
}

var errShortHello = helloErr("srv.tls.hello.short")

func (h *ClientHello) parseBody(p []byte) error {
	r := reader(p)
	var ok bool
	if h.Version, ok = r.u16(); !ok {
		return errShortHello
	}
	if _, ok = r.bytes(32); !ok { // random
		return errShortHello
	}
	if _, ok = r.vec8(); !ok { // session id
		return errShortHello
	}
	ciphers, ok := r.vec16()
	if !ok {
		return errShortHello
	}
	h.Ciphers = len(ciphers) / 2
	if _, ok = r.vec8(); !ok { // compression methods
		return errShortHello
	}
	if len(r) == 0 {
		return nil // no extensions at all
	}
	exts, ok := r.vec16()
	if !ok {
		return errShortHello
	}
	for len(exts) > 0 {
		typ, ok1 := exts.u16()
		data, ok2 := exts.vec16()
		if !ok1 || !ok2 {
			return errShortHello
		}
		switch typ {
		case 0: // server_name
			h.ServerName = serverName(data)
		case 16: // application_layer_protocol_negotiation
			h.ALPN = alpnList(data)
		case 43: // supported_versions
			vs, _ := data.vec8()
			for len(vs) >= 2 {
				v, _ := vs.u16()
				h.Versions = append(h.Versions, v)
			}
		}
	}
	return nil
}

func serverName(d reader) string {
	list, _ := d.vec16()
	for len(list) > 0 {
		kind, ok1 := list.u8()
		name, ok2 := list.vec16()
		if !ok1 || !ok2 {
			return ""
		}
		if kind == 0 { // host_name
			return string(name)
		}
	}
	return ""
}

func alpnList(d reader) []string {
	list, _ := d.vec16()
	var out []string
	for len(list) > 0 && len(out) < 16 {
		p, ok := list.vec8()
		if !ok {
			break
		}
		out = append(out, string(p))
	}
	return out
}

// Describe is the ClientHello in one line, for a Note event (key
// srv.tls.hello).
func (h ClientHello) Describe() netcore.Phrase {
	var sni, alpn any = h.ServerName, strings.Join(h.ALPN, ", ")
	if h.ServerName == "" {
		sni = say("srv.none")
	}
	if len(h.ALPN) == 0 {
		alpn = say("srv.none")
	}
	vs := make([]string, 0, len(h.Versions))
	for _, v := range h.Versions {
		if v&0x0f0f == 0x0a0a {
			continue // GREASE: random values that keep servers tolerant
		}
		vs = append(vs, tls.VersionName(v))
	}
	var offers any = ""
	if len(vs) > 0 {
		offers = say("srv.tls.hello.versions", strings.Join(vs, ", "))
	}
	return say("srv.tls.hello", h.RecordVersion>>8, h.RecordVersion&0xff, h.RecordLen, sni, alpn, h.Ciphers, offers)
}

// reader walks TLS's length-prefixed fields.
type reader []byte

func (r *reader) bytes(n int) (reader, bool) {
	if n < 0 || len(*r) < n {
		*r = nil
		return nil, false
	}
	out := (*r)[:n]
	*r = (*r)[n:]
	return out, true
}

func (r *reader) u8() (uint8, bool) {
	b, ok := r.bytes(1)
	if !ok {
		return 0, false
	}
	return b[0], true
}

func (r *reader) u16() (uint16, bool) {
	b, ok := r.bytes(2)
	if !ok {
		return 0, false
	}
	return uint16(b[0])<<8 | uint16(b[1]), true
}

func (r *reader) vec8() (reader, bool) {
	n, ok := r.u8()
	if !ok {
		return nil, false
	}
	return r.bytes(int(n))
}

func (r *reader) vec16() (reader, bool) {
	n, ok := r.u16()
	if !ok {
		return nil, false
	}
	return r.bytes(int(n))
}
