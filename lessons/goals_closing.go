package lessons

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The goals of the closing and chunked lessons.

// AnsweredAfterEOF: a client sent bytes and its FIN, the server answered,
// and the connection ended without a reset: the client half-closed and
// read the answer. (A client that closed for good resets the answer.)
func AnsweredAfterEOF() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		return s.closed && s.reason == netcore.ByPeer && len(s.in) > 0 && len(s.out) > 0
	})
}

// StateSeen: the server notes the TCP state want on one of its
// connections. Where the states cannot be seen (not Linux), instead: a
// connection ends for one of reasons (otherwise).
func StateSeen(want string, otherwise ...netcore.CloseReason) Goal {
	if !netcore.StatesVisible() {
		return Closes(1, otherwise...)
	}
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		return isServer(e, netcore.Note) && e.Conn != 0 && e.Text == "state "+want
	})
}

// ResetAfterAnswer: the server answered and its close became a reset,
// because the client's bytes were still unread.
func ResetAfterAnswer() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		return s.closed && s.reason == netcore.ByAbort && len(s.out) > 0
	})
}

// ChunkedAnswered: a request that matches req gets a 200 whose body is
// chunked, complete with its 0 chunk.
func ChunkedAnswered(req func(*httpwire.Request, []byte) bool) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		head, _, ok := bytes.Cut(s.out, []byte("\r\n\r\n"))
		if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.1 200")) ||
			!bytes.Contains(bytes.ToLower(head), []byte("\ntransfer-encoding: chunked")) ||
			!bytes.HasSuffix(s.out, []byte("\r\n0\r\n\r\n")) {
			return false
		}
		r := s.request()
		return r != nil && req(r, s.in)
	})
}

// ChunkedBody: the request's body came chunked.
func ChunkedBody(r *httpwire.Request, _ []byte) bool { return r.Chunked }
