package lessons

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// AnsweredWith: like Answered, and the response's head has a header line
// that starts with header (case does not matter), like
// "content-type: image/png".
func AnsweredWith(req func(*httpwire.Request, []byte) bool, status, header string) Goal {
	want := []byte("\n" + string(bytes.ToLower([]byte(header))))
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if !bytes.HasPrefix(s.out, []byte(status)) {
			return false
		}
		head, _, ok := bytes.Cut(s.out, []byte("\r\n\r\n"))
		if !ok || !bytes.Contains(bytes.ToLower(head), want) {
			return false
		}
		r := s.request()
		return r != nil && req(r, s.in)
	})
}

// Method: a request with that method.
func Method(m string) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, _ []byte) bool { return r.Method == m }
}

// HasHeader: a request that carries the header, whatever its value.
func HasHeader(name string) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, _ []byte) bool { _, ok := r.Get(name); return ok }
}

// ClimbsOut: a request whose target the files server refuses as a way out
// of its folder.
func ClimbsOut(r *httpwire.Request, _ []byte) bool { return behaviors.Resolve(r.Target).Refused != "" }
