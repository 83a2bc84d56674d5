package netcore

import "time"

// Cause before effect. A write's bytes can be read by the peer, and the
// read reported, before the writer's Write call returns and reports the
// write. So a Conn stamps a write with the time it began, and tells its
// sink a write is under way: an ordering sink (the Inbox) sorts by time
// and holds back anything stamped after the start of a write still in
// flight, so the read of those bytes never shows before their write.

// writeTracker is a sink that wants to know about writes in flight.
type writeTracker interface {
	beginWrite(start time.Time) (done func())
}

func noop() {}

// beginWrite tells s, if it cares, that a write began at start.
func beginWrite(s Sink, start time.Time) (done func()) {
	if wt, ok := s.(writeTracker); ok {
		return wt.beginWrite(start)
	}
	return noop
}

// writeHold is how long a write in flight may hold back later events. A
// peer that stops reading blocks a write for as long as the idle timeout
// allows; the screen must not freeze with it. Such a write's event then
// comes after events stamped later, as it completes.
const writeHold = 100 * time.Millisecond

func (t Tee) beginWrite(start time.Time) func() {
	var dones []func()
	for _, s := range t {
		if wt, ok := s.(writeTracker); ok {
			dones = append(dones, wt.beginWrite(start))
		}
	}
	return func() {
		for _, d := range dones {
			d()
		}
	}
}

func (q *Inbox) beginWrite(start time.Time) func() {
	q.mu.Lock()
	if q.writes == nil {
		q.writes = map[uint64]time.Time{}
	}
	q.writeSeq++
	id := q.writeSeq
	q.writes[id] = start
	q.mu.Unlock()
	return func() {
		q.mu.Lock()
		delete(q.writes, id)
		q.mu.Unlock()
		q.signal() // what it held back may go now
	}
}

// releasable is how many of the (sorted) waiting events may be handed
// out now: those stamped before the oldest write still in flight, unless
// that write has been blocked longer than writeHold. Called with q.mu held.
func (q *Inbox) releasable(now time.Time) int {
	var oldest time.Time
	for _, start := range q.writes {
		if now.Sub(start) < writeHold && (oldest.IsZero() || start.Before(oldest)) {
			oldest = start
		}
	}
	if oldest.IsZero() {
		return len(q.buf)
	}
	for i, e := range q.buf {
		if !e.Time.Before(oldest) {
			return i
		}
	}
	return len(q.buf)
}

// sortByTime orders events by time, keeping the order of equal times. The
// events arrive nearly sorted, so an insertion sort is close to one pass.
func sortByTime(es []Event) {
	for i := 1; i < len(es); i++ {
		if !es[i].Time.Before(es[i-1].Time) {
			continue
		}
		e := es[i]
		j := i
		for j > 0 && e.Time.Before(es[j-1].Time) {
			es[j] = es[j-1]
			j--
		}
		es[j] = e
	}
}
