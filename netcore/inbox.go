package netcore

import (
	"bytes"
	"sync"
	"sync/atomic"
	"time"
)

// Sink receives events. Implementations must never block the caller.
type Sink interface {
	Push(Event)
}

// ByteBounded sinks hold events' bytes up to a bound; Listen sets it to the
// server's CaptureTotal.
type ByteBounded interface {
	BoundBytes(n int64)
}

// Inbox is the bounded queue between network goroutines and whoever shows
// the events. Push never blocks: when the inbox is full the event is folded,
// meaning only counted. Readers take everything at once with Drain.
//
// The bytes the waiting events carry are bounded too: past the bound an
// event keeps its counts and as much of its bytes as fits (its Head first:
// the step checks need it more than the screen needs Data). Drain gives the
// whole budget back, so a flood costs the screen detail for a moment and
// never for good.
type Inbox struct {
	mu       sync.Mutex
	buf      []Event
	spare    []Event
	limit    int
	bytes    int64 // held by the events in buf
	maxBytes int64
	folded   atomic.Uint64
	wake     chan struct{}
	writes   map[uint64]time.Time // writes in flight, by when they began (see order.go)
	writeSeq uint64
}

// NewInbox makes an inbox that holds at most limit events between drains,
// and DefaultConfig().CaptureTotal bytes of theirs until BoundBytes.
func NewInbox(limit int) *Inbox {
	if limit < 1 {
		limit = 1
	}
	return &Inbox{limit: limit, buf: make([]Event, 0, min(limit, 1024)), wake: make(chan struct{}, 1),
		maxBytes: DefaultConfig().CaptureTotal}
}

// BoundBytes sets how many bytes the waiting events may hold together.
func (q *Inbox) BoundBytes(n int64) {
	if n <= 0 {
		return
	}
	q.mu.Lock()
	q.maxBytes = n
	q.mu.Unlock()
}

// Push adds e, or counts it as folded when the inbox is full.
func (q *Inbox) Push(e Event) {
	q.mu.Lock()
	if len(q.buf) >= q.limit {
		q.mu.Unlock()
		q.folded.Add(1)
		return
	}
	n := heldBytes(&e)
	if n > 0 && q.bytes+n > q.maxBytes {
		fitBytes(&e, q.maxBytes-q.bytes)
		n = heldBytes(&e)
	}
	q.bytes += n
	q.buf = append(q.buf, e)
	q.mu.Unlock()
	q.signal()
}

func (q *Inbox) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Drain returns the queued events in the order they happened and empties
// the inbox, but for events stamped after the start of a write still in
// flight: those wait for the write's own event (see order.go), and Wake
// is signalled so the reader comes back for them. The returned slice is
// valid until the next call to Drain.
func (q *Inbox) Drain() []Event {
	q.mu.Lock()
	sortByTime(q.buf)
	old := q.buf
	cut := q.releasable(time.Now())
	// The reader is done with the last batch: let go of its bytes now,
	// not when appends happen to overwrite them.
	clear(q.spare)
	q.buf = append(q.spare[:0], old[cut:]...)
	q.spare = old
	q.bytes = 0
	for i := range q.buf {
		q.bytes += heldBytes(&q.buf[i])
	}
	held := len(q.buf) > 0
	q.mu.Unlock()
	if held {
		q.signal()
	}
	return old[:cut]
}

// sharesCopy: Conn makes Data and Head from one copy, both starting at
// its first byte.
func sharesCopy(e *Event) bool {
	return len(e.Data) > 0 && len(e.Head) > 0 && &e.Data[0] == &e.Head[0]
}

// heldBytes is how many bytes e's Data and Head keep in memory.
func heldBytes(e *Event) int64 {
	if sharesCopy(e) {
		return int64(max(len(e.Data), len(e.Head)))
	}
	return int64(len(e.Data) + len(e.Head))
}

// fitBytes cuts e's bytes to room, Head whole or not at all, into a copy
// of their own so that the cut part is not held through the old one.
func fitBytes(e *Event, room int64) {
	shared := sharesCopy(e)
	head := e.Head
	if int64(len(head)) > room {
		head = nil
	}
	left := room
	if !shared {
		left -= int64(len(head))
	}
	data := e.Data[:min(int64(len(e.Data)), max(left, 0))]
	if shared && len(head) > 0 && len(data) > 0 {
		src := e.Data
		if len(e.Head) > len(src) {
			src = e.Head
		}
		kept := bytes.Clone(src[:max(len(data), len(head))])
		e.Data, e.Head = kept[:len(data):len(data)], kept[:len(head):len(head)]
		return
	}
	e.Data, e.Head = clone(data), clone(head)
}

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// Folded is how many events did not fit since the inbox was made.
func (q *Inbox) Folded() uint64 { return q.folded.Load() }

// Wake is signalled after a push into an empty or non-empty inbox; a reader
// that has gone idle waits on it instead of polling.
func (q *Inbox) Wake() <-chan struct{} { return q.wake }

// Len is the number of events waiting.
func (q *Inbox) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf)
}

// Discard is a Sink that keeps nothing, for a client whose events nobody
// watches.
type Discard struct{}

func (Discard) Push(Event) {}
