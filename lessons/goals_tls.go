package lessons

import (
	"errors"
	"strings"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The tls lesson's checks read the same raw bytes the learner sees: the
// ClientHello in the clear, then TLS record headers. Behind a tap they
// work unchanged, since the tap sees the same ciphertext.

// TLSAnswered: a connection opens with a ClientHello (naming sni, unless
// sni is empty), and once the client has sent encrypted data (its
// Finished, its request) the server sends encrypted data back.
func TLSAnswered(sni string) Goal {
	return Goal{NewTracker: func() Tracker { return &tlsTracker{sni: sni} }}
}

type tlsTracker struct {
	sni   string
	conns map[uint64]*tlsConn
}

// tlsConn is what the check follows of one connection.
type tlsConn struct {
	hello     []byte // the first bytes in, until the ClientHello parses
	helloOK   bool
	helloDone bool // parsed, or never will
	in, out   recordScan
	clientApp bool // the client has sent an application-data record
	answered  bool // the server sent one after that
}

func (t *tlsTracker) Feed(e netcore.Event, _ *OwnClients) bool {
	if !serverSide(e) || e.Conn == 0 {
		return false
	}
	if t.conns == nil || len(t.conns) > maxStreams {
		t.conns = map[uint64]*tlsConn{}
	}
	s := t.conns[e.Conn]
	if s == nil {
		s = &tlsConn{}
		t.conns[e.Conn] = s
	}
	switch e.Kind {
	case netcore.Recv:
		if !s.helloDone {
			s.hello = keep(s.hello, e)
			h, err := behaviors.ParseClientHello(s.hello)
			if !errors.Is(err, behaviors.ErrHelloIncomplete) || e.Offset+int64(e.Count) >= netcore.HeadBytes {
				s.helloDone, s.helloOK = true, err == nil && (t.sni == "" || h.ServerName == t.sni)
				s.hello = nil
			}
		}
		s.in.feed(e, func(typ byte) { s.clientApp = s.clientApp || typ == behaviors.RecordApplicationData })
	case netcore.Sent:
		s.out.feed(e, func(typ byte) {
			s.answered = s.answered || typ == behaviors.RecordApplicationData && s.clientApp
		})
	case netcore.Closed:
		delete(t.conns, e.Conn)
	}
	return s.helloOK && s.answered
}

// recordScan walks the TLS record headers of one direction in the
// events' Head bytes, skipping the records' bodies.
type recordScan struct {
	at   int64 // stream offset of the next byte expected
	hdr  [5]byte
	have int // header bytes so far
	skip int // body bytes left of the current record
	lost bool
}

func (r *recordScan) feed(e netcore.Event, each func(typ byte)) {
	if r.lost || e.Offset != r.at || len(e.Head) == 0 {
		r.lost = r.lost || e.Offset != r.at
		return
	}
	r.at += int64(len(e.Head))
	for b := e.Head; len(b) > 0; {
		if r.skip > 0 {
			n := min(r.skip, len(b))
			r.skip -= n
			b = b[n:]
			continue
		}
		n := copy(r.hdr[r.have:], b)
		r.have += n
		b = b[n:]
		if r.have == len(r.hdr) {
			r.have = 0
			r.skip = int(r.hdr[3])<<8 | int(r.hdr[4])
			each(r.hdr[0])
		}
	}
}

// Decrypted: the built-in server notes a request, decrypted, whose
// User-Agent starts with agent. Only the server can see this: on the wire
// the request is ciphertext.
func Decrypted(agent string) Goal {
	return stateless(func(e netcore.Event, _ *OwnClients) bool {
		if e.Source != netcore.FromServer || e.Kind != netcore.Note {
			return false
		}
		// The note is in the learner's language; what marks it in every
		// one is the request line and its User-Agent, joined so.
		_, ua, ok := strings.Cut(e.Text, behaviors.DecryptedAgent)
		return ok && strings.HasPrefix(ua, agent)
	})
}
