package lessons

import (
	"bytes"
	"strings"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The websocket lesson's checks read the raw bytes too: the upgrade
// request and the 101, then the frames after them, both ways.

// WSUpgraded: the server answers a WebSocket upgrade with a 101 whose
// Sec-WebSocket-Accept is right for the request's key.
func WSUpgraded() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool { _, ok := upgraded(s); return ok })
}

// WSBrowserTalks: on a browser's WebSocket the client sends a masked text
// frame, and the server sends at least two text frames (the echo, ticks).
func WSBrowserTalks() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		r, ok := upgraded(s)
		if !ok || !UserAgent("Mozilla/")(r, s.in) {
			return false
		}
		in, out := wsFrames(s)
		return countFrames(in, func(f behaviors.Frame) bool { return f.Opcode == behaviors.OpText && f.Masked }) >= 1 &&
			countFrames(out, func(f behaviors.Frame) bool { return f.Opcode == behaviors.OpText }) >= 2
	})
}

// WSClosedWithCode: the client sends a close frame with a code, the
// server answers with a close frame of the same code, and the connection
// ends.
func WSClosedWithCode() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if !s.closed {
			return false
		}
		if _, ok := upgraded(s); !ok {
			return false
		}
		in, out := wsFrames(s)
		code := closeCode(in)
		return code > 0 && closeCode(out) == code
	})
}

// WSServerCloses: the server sends a close frame with code.
func WSServerCloses(code int) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if _, ok := upgraded(s); !ok {
			return false
		}
		_, out := wsFrames(s)
		return closeCode(out) == code
	})
}

// upgraded: the connection's request is a WebSocket upgrade and the
// server's response to it is a 101 with the right accept key.
func upgraded(s *stream) (*httpwire.Request, bool) {
	r := s.request()
	if r == nil {
		return nil, false
	}
	key, ok := r.Get("Sec-WebSocket-Key")
	if !ok || !bytes.HasPrefix(s.out, []byte("HTTP/1.1 101")) {
		return nil, false
	}
	head, _, ok := bytes.Cut(s.out, []byte("\r\n\r\n"))
	if !ok {
		return nil, false
	}
	for _, line := range strings.Split(string(head), "\r\n")[1:] {
		name, value, _ := strings.Cut(line, ":")
		if strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Accept") && strings.TrimSpace(value) == behaviors.AcceptKey(key) {
			return r, true
		}
	}
	return nil, false
}

// wsFrames are the bytes after the upgrade's request and response heads.
func wsFrames(s *stream) (in, out []byte) {
	if i := bytes.Index(s.in, []byte("\r\n\r\n")); i >= 0 {
		in = s.in[i+4:]
	}
	if i := bytes.Index(s.out, []byte("\r\n\r\n")); i >= 0 {
		out = s.out[i+4:]
	}
	return in, out
}

// countFrames counts the whole frames in b that match.
func countFrames(b []byte, match func(behaviors.Frame) bool) int {
	n := 0
	for {
		f, size, err := behaviors.ParseFrame(b, len(b))
		if err != nil {
			return n
		}
		if match(f) {
			n++
		}
		b = b[size:]
	}
}

// closeCode is the code of the first close frame in b, or 0.
func closeCode(b []byte) int {
	for {
		f, size, err := behaviors.ParseFrame(b, len(b))
		if err != nil {
			return 0
		}
		if f.Opcode == behaviors.OpClose {
			code, _, _ := behaviors.ParseClose(f.Payload)
			return code
		}
		b = b[size:]
	}
}
