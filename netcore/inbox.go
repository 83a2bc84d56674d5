package netcore

import (
	"sync"
	"sync/atomic"
)

// Sink receives events. Implementations must never block the caller.
type Sink interface {
	Push(Event)
}

// Inbox is the bounded queue between network goroutines and whoever shows
// the events. Push never blocks: when the inbox is full the event is folded,
// meaning only counted. Readers take everything at once with Drain.
type Inbox struct {
	mu     sync.Mutex
	buf    []Event
	spare  []Event
	limit  int
	folded atomic.Uint64
	wake   chan struct{}
}

// NewInbox makes an inbox that holds at most limit events between drains.
func NewInbox(limit int) *Inbox {
	if limit < 1 {
		limit = 1
	}
	return &Inbox{limit: limit, buf: make([]Event, 0, min(limit, 1024)), wake: make(chan struct{}, 1)}
}

// Push adds e, or counts it as folded when the inbox is full.
func (q *Inbox) Push(e Event) {
	q.mu.Lock()
	if len(q.buf) >= q.limit {
		q.mu.Unlock()
		q.folded.Add(1)
		return
	}
	q.buf = append(q.buf, e)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Drain returns the queued events in order and empties the inbox. The
// returned slice is valid until the next call to Drain.
func (q *Inbox) Drain() []Event {
	q.mu.Lock()
	out := q.buf
	q.buf = q.spare[:0]
	q.spare = out
	q.mu.Unlock()
	return out
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
