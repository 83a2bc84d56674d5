package lessons

import (
	"bytes"

	"github.com/tubes-course/tubes/netcore"
)

// RefusedAndServedByHand: the server has refused requests with at least
// two different statuses among 400, 431 and 505, and has served (200) a
// request typed by hand: one from outside the app that, unlike curl's and
// every browser's, has no User-Agent.
func RefusedAndServedByHand() Goal {
	return Goal{NewTracker: func() Tracker {
		t := &byHand{refused: map[string]bool{}}
		t.served = &streams{side: netcore.FromServer, match: func(s *stream) bool {
			if !bytes.HasPrefix(s.out, []byte("HTTP/1.1 200 ")) {
				return false
			}
			r := s.request()
			if r == nil {
				return false
			}
			_, ua := r.Get("User-Agent")
			return !ua
		}}
		return t
	}}
}

type byHand struct {
	refused   map[string]bool // the refusal statuses seen
	served    *streams
	servedYet bool
}

// refusals are the statuses this step asks the learner to provoke.
var refusals = [][]byte{[]byte("HTTP/1.1 400 "), []byte("HTTP/1.1 431 "), []byte("HTTP/1.1 505 ")}

func (t *byHand) Feed(e netcore.Event, own *OwnClients) bool {
	if isServer(e, netcore.Sent) && e.Offset == 0 {
		for _, st := range refusals {
			if bytes.HasPrefix(e.Head, st) {
				t.refused[string(st)] = true
			}
		}
	}
	if serverSide(e) && own.External(e) && t.served.Feed(e, own) {
		t.servedYet = true
	}
	return t.servedYet && len(t.refused) >= 2
}
