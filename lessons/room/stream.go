package room

import (
	"net/netip"
	"sync/atomic"

	"github.com/tubes-course/tubes/netcore"
)

// shownBytes is how much of an event's data a stream keeps to show: a
// phone screen needs a glimpse, and the queue stays small.
const shownBytes = 256

// stream is one visitor's open /events connection. Push fills its queue
// without waiting; the handler goroutine empties it at a bounded rate.
type stream struct {
	ip      netip.Addr
	queue   chan netcore.Event
	dropped atomic.Uint64 // events that found the queue full
	step    chan struct{} // signalled when the step changes
	// What the visitor's connections carried since the stream opened,
	// counted in full even when events were skipped.
	conns, in, out atomic.Int64
}

func newStream(ip netip.Addr, queue int) *stream {
	return &stream{ip: ip, queue: make(chan netcore.Event, queue), step: make(chan struct{}, 1)}
}

// offer hands e to the stream, or counts it when the queue is full. It
// never blocks: it runs on the lesson server's goroutines.
func (s *stream) offer(e netcore.Event) {
	switch e.Kind {
	case netcore.Accepted:
		s.conns.Add(1)
	case netcore.Recv:
		s.in.Add(int64(e.Count))
	case netcore.Sent:
		s.out.Add(int64(e.Count))
	}
	if len(e.Data) > shownBytes {
		// A copy, so the queue never pins the server's larger buffer.
		e.Data = append([]byte(nil), e.Data[:shownBytes]...)
	}
	select {
	case s.queue <- e:
	default:
		s.dropped.Add(1)
	}
}

// stepChanged wakes the stream to send the new step; one pending wake-up
// is enough, since the stream reads the current step when it runs.
func (s *stream) stepChanged() {
	select {
	case s.step <- struct{}{}:
	default:
	}
}
