package lessons

import (
	"bytes"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// A Goal decides when a step is done. It is fed every event that arrives
// after the step began, in order, and reports true once the step is done.
// NewTracker makes fresh state for each time the step begins.
type Goal struct {
	NewTracker func() Tracker
}

// Tracker is the running state of a Goal.
type Tracker interface {
	Feed(e netcore.Event, own *OwnClients) bool
}

// trackerFunc adapts a stateless predicate.
type trackerFunc func(e netcore.Event, own *OwnClients) bool

func (f trackerFunc) Feed(e netcore.Event, own *OwnClients) bool { return f(e, own) }

func stateless(f trackerFunc) Goal { return Goal{NewTracker: func() Tracker { return f }} }

// OwnClients remembers the local addresses of the app's own client
// connections, so a check can tell them from a learner's nc or curl.
type OwnClients struct{ addrs map[string]struct{} }

// maxOwn bounds the set; the app's client opens few connections.
const maxOwn = 4096

func (o *OwnClients) Note(e netcore.Event) {
	if e.Source != netcore.FromClient || e.Kind != netcore.Connected || e.Local == nil {
		return
	}
	if o.addrs == nil || len(o.addrs) >= maxOwn {
		o.addrs = map[string]struct{}{}
	}
	o.addrs[e.Local.String()] = struct{}{}
}

// External reports whether a server-side event's peer is not the app's client.
func (o *OwnClients) External(e netcore.Event) bool {
	if e.Remote == nil {
		return false
	}
	_, own := o.addrs[e.Remote.String()]
	return !own
}

// serverSide: the built-in server's events, or the tap's in front of a
// learner's server, which see the same traffic from the same side.
func serverSide(e netcore.Event) bool {
	return e.Source == netcore.FromServer || e.Source == netcore.FromTap
}

func isServer(e netcore.Event, k netcore.Kind) bool { return serverSide(e) && e.Kind == k }

// ClientConnects: the app's client connects.
func ClientConnects() Goal {
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		return e.Source == netcore.FromClient && e.Kind == netcore.Connected
	})
}

// ServerAccepts: a connection is accepted: by the built-in server, or, on
// the tap, by the learner's server behind it (the tap's upstream connect).
func ServerAccepts() Goal {
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		return (e.Source == netcore.FromServer && e.Kind == netcore.Accepted) ||
			(e.Source == netcore.FromTap && e.Kind == netcore.Connected)
	})
}

// ExternalSends: bytes arrive from a connection that is not the app's client.
func ExternalSends() Goal {
	return stateless(func(e netcore.Event, own *OwnClients) bool {
		return isServer(e, netcore.Recv) && e.Count > 0 && own.External(e)
	})
}

// ExternalGetsReply: the server writes to a connection that is not the app's.
func ExternalGetsReply() Goal {
	return stateless(func(e netcore.Event, own *OwnClients) bool {
		return isServer(e, netcore.Sent) && own.External(e)
	})
}

// ServerRefuses: the server turns a connection away at its limit.
func ServerRefuses() Goal {
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		return isServer(e, netcore.Refused) && e.Reason == netcore.ByLimit
	})
}

// Closes: at least n server-side connections end for one of reasons.
func Closes(n int, reasons ...netcore.CloseReason) Goal {
	return Goal{NewTracker: func() Tracker {
		seen := 0
		return trackerFunc(func(e netcore.Event, _ *OwnClients) bool {
			if isServer(e, netcore.Closed) {
				for _, r := range reasons {
					if e.Reason == r {
						seen++
						break
					}
				}
			}
			return seen >= n
		})
	}}
}

// ServerCloses: the server side ends a connection (on purpose or idle).
func ServerCloses() Goal { return Closes(1, netcore.BySelf, netcore.ByIdle) }

// ClientReceives: the app's client reads bytes that contain want.
func ClientReceives(want []byte) Goal {
	return onStreams(netcore.FromClient, func(s *stream) bool { return bytes.Contains(s.in, want) })
}

// ClientReceivesPrefix: the app's client reads a reply that starts with want.
func ClientReceivesPrefix(want []byte) Goal {
	return onStreams(netcore.FromClient, func(s *stream) bool { return bytes.HasPrefix(s.in, want) })
}

// ClientSendsOwnMessage: the app's client sends something other than the
// default message and gets the pong back.
func ClientSendsOwnMessage() Goal {
	return onStreams(netcore.FromClient, func(s *stream) bool {
		return len(s.out) > 0 && !bytes.Equal(s.out, behaviors.HelloMessage) && bytes.Contains(s.in, behaviors.PongReply)
	})
}

// ServerReadHolds: one server read holds all of want.
func ServerReadHolds(want []byte) Goal {
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		return isServer(e, netcore.Recv) && bytes.Contains(e.Head, want)
	})
}

// ManyReads: one connection's bytes took at least n server reads.
func ManyReads(n int) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool { return s.reads >= n })
}

// ServerSends: the server writes bytes that contain want.
func ServerSends(want []byte) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool { return bytes.Contains(s.out, want) })
}

// HTTPRequestThenClose: a connection sends an HTTP request line and the
// connection then ends.
func HTTPRequestThenClose() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool { return s.closed && looksLikeRequest(s.in) })
}

// Answered: the server answers a request that matches req with a response
// that starts with status (e.g. "HTTP/1.1 200").
func Answered(req func(r *httpwire.Request, raw []byte) bool, status string) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if !bytes.HasPrefix(s.out, []byte(status)) {
			return false
		}
		r := s.request()
		return r != nil && req(r, s.in)
	})
}

// Request predicates for Answered.
func AnyRequest(*httpwire.Request, []byte) bool { return true }

func Route(method, path string) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, _ []byte) bool {
		p, _, _ := bytes.Cut([]byte(r.Target), []byte("?"))
		return r.Method == method && string(p) == path
	}
}

func UserAgent(prefix string) func(*httpwire.Request, []byte) bool {
	return func(r *httpwire.Request, _ []byte) bool {
		ua, _ := r.Get("User-Agent")
		return len(ua) >= len(prefix) && ua[:len(prefix)] == prefix
	}
}

func WithBody(r *httpwire.Request, _ []byte) bool { return r.BodyLen > 0 }

// NotFavicon: any request but the one a browser sends for its tab icon on
// its own, which must not complete a step the learner did not do.
func NotFavicon(r *httpwire.Request, _ []byte) bool { return r.Target != "/favicon.ico" }

func AsksToClose(r *httpwire.Request, _ []byte) bool { return r.Close }

// UserAgentGetsReply: a request whose User-Agent starts with agent gets bytes
// back from the server.
func UserAgentGetsReply(agent string) Goal { return Answered(UserAgent(agent), "HTTP/") }

// AnsweredThenClosed: like Answered, and the connection then ends for one
// of reasons.
func AnsweredThenClosed(req func(*httpwire.Request, []byte) bool, reasons ...netcore.CloseReason) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if !s.closed || len(s.out) == 0 {
			return false
		}
		if r := s.request(); r == nil || !req(r, s.in) {
			return false
		}
		for _, want := range reasons {
			if s.reason == want {
				return true
			}
		}
		return false
	})
}

// NoLengthThenClosed: the server sends a response without Content-Length
// and the connection ends later.
func NoLengthThenClosed() Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		head, _, ok := bytes.Cut(s.out, []byte("\r\n\r\n"))
		return ok && s.closed && bytes.HasPrefix(head, []byte("HTTP/1.1 ")) &&
			!bytes.Contains(bytes.ToLower(head), []byte("\ncontent-length:"))
	})
}

// RequestsOnOneConn: one connection, whose first request matches req,
// carries at least n answered requests.
func RequestsOnOneConn(n int, req func(*httpwire.Request, []byte) bool) Goal {
	return onStreams(netcore.FromServer, func(s *stream) bool {
		if s.responses < n {
			return false
		}
		r := s.request()
		return r != nil && req(r, s.in)
	})
}

// FiveAnswered: five connections get a 200 response; with within > 0 the
// five responses must all go out within that span of each other.
func FiveAnswered(within time.Duration) Goal {
	return Goal{NewTracker: func() Tracker {
		var times []time.Time
		seen := map[uint64]bool{}
		return trackerFunc(func(e netcore.Event, _ *OwnClients) bool {
			if !isServer(e, netcore.Sent) || seen[e.Conn] || !bytes.HasPrefix(e.Head, []byte("HTTP/1.1 200")) {
				return false
			}
			seen[e.Conn] = true
			if len(seen) > maxStreams {
				clear(seen)
			}
			times = append(times, e.Time)
			if len(times) > 5 {
				times = times[len(times)-5:]
			}
			return len(times) == 5 && (within <= 0 || times[4].Sub(times[0]) <= within)
		})
	}}
}

// A check looks at the first netcore.HeadBytes of each direction of each
// connection, from the events' Head: a request line and headers fit, and
// it never depends on what the screen keeps. maxStreams bounds how many
// connections it follows at once, so a flood does not grow memory.
const maxStreams = 1024

// stream is what a check remembers of one connection.
type stream struct {
	in, out   []byte
	reads     int
	responses int // writes that start with "HTTP/"
	closed    bool
	reason    netcore.CloseReason

	req      *httpwire.Request // the request's head, parsed once it is in
	parsedAt int               // len(in) when the head was last tried
	bad      bool              // the head will never parse
}

// request is the connection's first request head, parsed once it has
// arrived, or nil while it has not (or never will).
func (s *stream) request() *httpwire.Request {
	if s.req != nil || s.bad || len(s.in) == s.parsedAt {
		return s.req
	}
	s.parsedAt = len(s.in)
	r, _, err := httpwire.ParseHead(s.in, httpwire.Limits{MaxHeaderBytes: netcore.HeadBytes})
	switch {
	case err == nil:
		s.req = r
	case err != httpwire.ErrIncomplete || len(s.in) >= netcore.HeadBytes:
		s.bad = true
	}
	return s.req
}

// streams follows the connections on one side and reports when one matches.
type streams struct {
	side  netcore.Source
	match func(*stream) bool
	conns map[uint64]*stream
}

func onStreams(side netcore.Source, match func(*stream) bool) Goal {
	return Goal{NewTracker: func() Tracker { return &streams{side: side, match: match} }}
}

func (t *streams) Feed(e netcore.Event, _ *OwnClients) bool {
	mine := e.Source == t.side || (t.side == netcore.FromServer && serverSide(e))
	if !mine || e.Conn == 0 {
		return false
	}
	if t.conns == nil || len(t.conns) > maxStreams {
		t.conns = map[uint64]*stream{}
	}
	s := t.conns[e.Conn]
	if s == nil {
		s = &stream{}
		t.conns[e.Conn] = s
	}
	switch e.Kind {
	case netcore.Recv:
		s.reads++
		s.in = keep(s.in, e)
	case netcore.Sent:
		if bytes.HasPrefix(e.Head, []byte("HTTP/")) {
			s.responses++
		}
		s.out = keep(s.out, e)
	case netcore.Closed:
		s.closed, s.reason = true, e.Reason
	}
	done := t.match(s)
	if e.Kind == netcore.Closed {
		delete(t.conns, e.Conn)
	}
	return done
}

// keep appends e's Head if it continues what we have: a head the inbox
// had no room for leaves a gap, and bytes after a gap are not the stream.
func keep(have []byte, e netcore.Event) []byte {
	if e.Offset != int64(len(have)) {
		return have
	}
	return append(have, e.Head...)
}

// looksLikeRequest: "METHOD SP target SP HTTP/" at the start.
func looksLikeRequest(b []byte) bool {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return false
	}
	for _, c := range b[:sp] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	rest := b[sp+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	return sp2 > 0 && bytes.HasPrefix(rest[sp2+1:], []byte("HTTP/"))
}
