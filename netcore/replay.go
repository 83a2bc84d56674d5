package netcore

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// EventSource hands out events one at a time; Next returns io.EOF after
// the last. A Recording is one.
type EventSource interface {
	Next() (Event, error)
}

// sliceSource plays events already in memory.
type sliceSource struct{ events []Event }

func (s *sliceSource) Next() (Event, error) {
	if len(s.events) == 0 {
		return Event{}, io.EOF
	}
	e := s.events[0]
	s.events = s.events[1:]
	return e, nil
}

// Replayer plays recorded events into a sink at their recorded pace. It can
// be paused, and stepped one event at a time while paused.
type Replayer struct {
	src    EventSource
	sink   Sink
	paused atomic.Bool
	step   chan struct{}
	next   atomic.Int64
	total  atomic.Int64 // -1 until the end of the source is reached

	mu   sync.Mutex
	wake chan struct{} // closed to wake a paused or waiting player
	err  error
}

// NewReplayer prepares events already in memory for sink; Run plays them.
func NewReplayer(events []Event, sink Sink) *Replayer {
	r := NewReplayerFrom(&sliceSource{events}, sink)
	r.total.Store(int64(len(events)))
	return r
}

// NewReplayerFrom plays what src hands out, reading one event ahead of
// the one playing, so memory stays flat however long the recording is.
func NewReplayerFrom(src EventSource, sink Sink) *Replayer {
	r := &Replayer{src: src, sink: sink, step: make(chan struct{}, 1), wake: make(chan struct{})}
	r.total.Store(-1)
	return r
}

// Run plays until the end or ctx is done. Gaps longer than two seconds
// are shortened to two: a demo should not stall on a recorded pause. A
// source that fails midway ends the replay with an Error event saying why
// (Err reports it too).
func (r *Replayer) Run(ctx context.Context) {
	var prev time.Time
	for played := int64(0); ; played++ {
		e, err := r.src.Next()
		if err != nil {
			r.total.Store(played)
			if err != io.EOF {
				r.mu.Lock()
				r.err = err
				r.mu.Unlock()
				r.sink.Push(Event{Time: prev, Kind: Error, Text: "recording: " + err.Error()})
			}
			return
		}
		if r.paused.Load() {
			if !r.waitStep(ctx) {
				return
			}
		} else if !prev.IsZero() {
			gap := min(e.Time.Sub(prev), 2*time.Second)
			if !r.sleep(ctx, gap) {
				return
			}
			if r.paused.Load() && !r.waitStep(ctx) {
				return
			}
		}
		prev = e.Time
		r.sink.Push(e)
		r.next.Store(played + 1)
	}
}

// Err is why the source stopped early, once Run has returned; nil at a
// clean end.
func (r *Replayer) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// sleep waits d, or less if woken by a pause change; false when ctx ends.
func (r *Replayer) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.wakeCh():
	case <-ctx.Done():
		return false
	}
	return true
}

// waitStep waits, while paused, for a step or the end of the pause.
func (r *Replayer) waitStep(ctx context.Context) bool {
	for r.paused.Load() {
		select {
		case <-r.step:
			return true
		case <-r.wakeCh():
		case <-ctx.Done():
			return false
		}
	}
	return true
}

func (r *Replayer) wakeCh() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wake
}

func (r *Replayer) kick() {
	r.mu.Lock()
	close(r.wake)
	r.wake = make(chan struct{})
	r.mu.Unlock()
}

// SetPaused pauses or resumes the replay.
func (r *Replayer) SetPaused(p bool) { r.paused.Store(p); r.kick() }

// Paused reports whether the replay is paused.
func (r *Replayer) Paused() bool { return r.paused.Load() }

// Step plays the next event while paused.
func (r *Replayer) Step() {
	select {
	case r.step <- struct{}{}:
	default:
	}
}

// Progress is how many events have been played, of how many. A streamed
// recording's total is not known until its end is read: until then total
// is -1.
func (r *Replayer) Progress() (played, total int) {
	return int(r.next.Load()), int(r.total.Load())
}
