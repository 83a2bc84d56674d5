package netcore

import (
	"sync"
	"testing"
	"time"
)

var _ Sink = (*Inbox)(nil)

// A full inbox must fold, never block: network goroutines cannot wait on
// the UI.
func TestInboxPushNeverBlocksWhenFull(t *testing.T) {
	const limit, workers, each = 100, 8, 125 // 10x the limit in total
	q := NewInbox(limit)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q.Push(Event{Conn: uint64(w + 1), Count: i})
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Push blocked on a full inbox")
	}

	if got := q.Len(); got != limit {
		t.Fatalf("Len = %d, want %d", got, limit)
	}
	if got, want := q.Folded(), uint64(workers*each-limit); got != want {
		t.Fatalf("Folded = %d, want %d (pushed %d, kept %d)", got, want, workers*each, limit)
	}
	// Each pusher's kept events are still in its own order.
	last := map[uint64]int{}
	for _, e := range q.Drain() {
		if prev, ok := last[e.Conn]; ok && e.Count <= prev {
			t.Fatalf("pusher %d: event %d after %d", e.Conn, e.Count, prev)
		}
		last[e.Conn] = e.Count
	}
	if q.Len() != 0 {
		t.Fatalf("Len after Drain = %d, want 0", q.Len())
	}
}

func TestInboxDrainKeepsOrder(t *testing.T) {
	q := NewInbox(1000)
	for round := range 3 {
		for i := range 500 {
			q.Push(Event{Count: round*1000 + i})
		}
		got := q.Drain()
		if len(got) != 500 {
			t.Fatalf("round %d: drained %d events, want 500", round, len(got))
		}
		for i, e := range got {
			if e.Count != round*1000+i {
				t.Fatalf("round %d: event %d has Count %d, want %d", round, i, e.Count, round*1000+i)
			}
		}
	}
	if got := q.Drain(); len(got) != 0 {
		t.Fatalf("empty inbox drained %d events", len(got))
	}
	if q.Folded() != 0 {
		t.Fatalf("Folded = %d with room to spare", q.Folded())
	}
}

// Folded counts are exact even while a reader drains concurrently.
func TestInboxConcurrentDrainAccountsForEveryPush(t *testing.T) {
	const workers, each = 4, 5000
	q := NewInbox(64)
	stop := make(chan struct{})
	drained := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-q.Wake():
				n += len(q.Drain())
			case <-stop:
				n += len(q.Drain())
				drained <- n
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				q.Push(Event{Kind: Recv})
			}
		}()
	}
	wg.Wait()
	close(stop)
	var n int
	select {
	case n = <-drained:
	case <-time.After(5 * time.Second):
		t.Fatal("drainer did not finish")
	}
	if got := uint64(n) + q.Folded(); got != workers*each {
		t.Fatalf("drained %d + folded %d = %d, want %d", n, q.Folded(), got, workers*each)
	}
}

func TestInboxWake(t *testing.T) {
	q := NewInbox(10)
	select {
	case <-q.Wake():
		t.Fatal("Wake signalled before any push")
	default:
	}
	for round := range 2 {
		q.Push(Event{Kind: Note})
		select {
		case <-q.Wake():
		case <-time.After(time.Second):
			t.Fatalf("round %d: Wake not signalled after Push", round)
		}
		if got := len(q.Drain()); got != 1 {
			t.Fatalf("round %d: drained %d, want 1", round, got)
		}
	}
	// Many pushes leave one pending signal, not a queue of them.
	for range 5 {
		q.Push(Event{})
	}
	<-q.Wake()
	select {
	case <-q.Wake():
		t.Fatal("Wake held more than one signal")
	default:
	}
}

func TestInboxLimitAtLeastOne(t *testing.T) {
	q := NewInbox(0)
	q.Push(Event{Count: 1})
	q.Push(Event{Count: 2})
	if q.Len() != 1 || q.Folded() != 1 {
		t.Fatalf("NewInbox(0): Len %d Folded %d, want 1 and 1", q.Len(), q.Folded())
	}
	if got := q.Drain(); got[0].Count != 1 {
		t.Fatalf("kept event %d, want the first", got[0].Count)
	}
}

// The inbox bounds the bytes its waiting events hold: past the bound an
// event keeps its count and its Head (for the step checks) but not its
// Data; a Drain gives the whole budget back.
func TestInboxBoundsHeldBytes(t *testing.T) {
	q := NewInbox(100)
	q.BoundBytes(1000)
	ev := func(n, head int) Event {
		b := make([]byte, n)
		return Event{Kind: Recv, Count: n, Data: b, Head: b[:head]}
	}
	q.Push(ev(900, 100)) // fits: 900 held
	q.Push(ev(500, 50))  // 100 left: Head whole, Data cut to 100
	q.Push(ev(500, 200)) // nothing left: counts only
	got := q.Drain()
	if len(got[0].Data) != 900 || len(got[1].Data) != 100 || len(got[1].Head) != 50 || got[1].Count != 500 {
		t.Fatalf("second event: %d data, %d head", len(got[1].Data), len(got[1].Head))
	}
	if got[2].Data != nil || got[2].Head != nil || got[2].Count != 500 || !got[2].Truncated() {
		t.Fatalf("third event kept %d data, %d head", len(got[2].Data), len(got[2].Head))
	}
	q.Push(ev(900, 100))
	if got := q.Drain(); len(got[0].Data) != 900 {
		t.Fatalf("after a drain the budget is back: kept %d of 900", len(got[0].Data))
	}
}
