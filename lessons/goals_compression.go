package lessons

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// Encoded: a request that matches req is answered with 200, gzip-encoded
// (Content-Encoding: gzip) when gzip is set, without any Content-Encoding
// when it is not.
func Encoded(req func(*httpwire.Request, []byte) bool, gzip bool) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if !bytes.HasPrefix(s.out, []byte("HTTP/1.1 200")) {
			return false
		}
		head, _, ok := bytes.Cut(s.out, []byte("\r\n\r\n"))
		if !ok {
			return false
		}
		lower := bytes.ToLower(head)
		if bytes.Contains(lower, []byte("\ncontent-encoding: gzip")) != gzip ||
			!gzip && bytes.Contains(lower, []byte("\ncontent-encoding:")) {
			return false
		}
		r := s.request()
		return r != nil && req(r, s.in)
	})
}

// Without: a request that does not carry the header.
func Without(name string) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, _ []byte) bool { _, ok := r.Get(name); return !ok }
}

// Both: a request that matches a and b.
func Both(a, b func(*httpwire.Request, []byte) bool) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, raw []byte) bool { return a(r, raw) && b(r, raw) }
}
