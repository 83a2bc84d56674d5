package lessons

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
)

// A Check decides when a step is done. It is fed every event that arrives
// after the step began, in order, and reports true once the step is done.
// NewTracker makes fresh state for each time the step begins.
type Check struct {
	NewTracker func() Tracker
}

// Tracker is the running state of a Check.
type Tracker interface {
	Feed(e netcore.Event, own *OwnClients) bool
}

// trackerFunc adapts a stateless predicate.
type trackerFunc func(e netcore.Event, own *OwnClients) bool

func (f trackerFunc) Feed(e netcore.Event, own *OwnClients) bool { return f(e, own) }

func stateless(f trackerFunc) Check { return Check{NewTracker: func() Tracker { return f }} }

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

func isServer(e netcore.Event, k netcore.Kind) bool {
	return e.Source == netcore.FromServer && e.Kind == k
}

// ServerAccepts: any connection is accepted.
func ServerAccepts() Check {
	return stateless(func(e netcore.Event, _ *OwnClients) bool { return isServer(e, netcore.Accepted) })
}

// ExternalSends: bytes arrive from a connection that is not the app's client.
func ExternalSends() Check {
	return stateless(func(e netcore.Event, own *OwnClients) bool {
		return isServer(e, netcore.Recv) && e.Count > 0 && own.External(e)
	})
}

// ExternalGetsReply: the server writes to a connection that is not the app's.
func ExternalGetsReply() Check {
	return stateless(func(e netcore.Event, own *OwnClients) bool {
		return isServer(e, netcore.Sent) && own.External(e)
	})
}

// ClientReceives: the app's client reads bytes that contain want.
func ClientReceives(want []byte) Check {
	return Check{NewTracker: func() Tracker {
		return &streams{match: func(s *stream) bool { return bytes.Contains(s.in, want) }, side: netcore.FromClient}
	}}
}

// ClientReceivesPrefix: the app's client reads a reply that starts with want.
func ClientReceivesPrefix(want []byte) Check {
	return Check{NewTracker: func() Tracker {
		return &streams{match: func(s *stream) bool { return bytes.HasPrefix(s.in, want) }, side: netcore.FromClient}
	}}
}

// HTTPRequestThenClose: a connection sends an HTTP request line and the
// server then closes that connection.
func HTTPRequestThenClose() Check {
	return Check{NewTracker: func() Tracker {
		return &streams{side: netcore.FromServer, needClose: true, match: func(s *stream) bool { return looksLikeRequest(s.in) }}
	}}
}

// UserAgentGetsReply: a request whose User-Agent starts with agent gets bytes
// back from the server.
func UserAgentGetsReply(agent string) Check {
	needle := []byte("\nuser-agent: " + agent)
	return Check{NewTracker: func() Tracker {
		return &streams{side: netcore.FromServer, match: func(s *stream) bool {
			return s.out > 0 && bytes.Contains(bytes.ToLower(s.in), bytes.ToLower(needle))
		}}
	}}
}

// streamKeep bounds how many bytes of each connection a check looks at: a
// request line and headers fit; a flood does not grow memory.
const (
	streamKeep = 8 << 10
	maxStreams = 1024
)

type stream struct {
	in     []byte
	out    int
	closed bool
}

// streams follows the connections on one side and reports when one matches.
type streams struct {
	side      netcore.Source
	needClose bool
	match     func(*stream) bool
	conns     map[uint64]*stream
}

func (t *streams) Feed(e netcore.Event, _ *OwnClients) bool {
	if e.Source != t.side || e.Conn == 0 {
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
		if room := streamKeep - len(s.in); room > 0 {
			s.in = append(s.in, e.Data[:min(len(e.Data), room)]...)
		}
	case netcore.Sent:
		s.out += e.Count
	case netcore.Closed:
		s.closed = true
	}
	done := t.match(s) && (!t.needClose || s.closed)
	if e.Kind == netcore.Closed {
		delete(t.conns, e.Conn)
	}
	return done
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
