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

// MaxReplayGap is the longest a recorded pause lasts in a replay (before
// the speed divides it): a demo should not stall on a coffee break.
const MaxReplayGap = 2 * time.Second

// QuietGap is the recorded pause that ends a burst for SkipBurst.
const QuietGap = time.Second

// ReplaySpeeds are the speeds CycleSpeed steps through.
var ReplaySpeeds = [...]int{1, 4, 16}

// seek is a jump asked for while playing.
type seek int32

const (
	seekNone  seek = iota
	seekNext       // play at once up to the next step marker
	seekQuiet      // play at once up to the next gap of QuietGap
	seekPrev       // re-open and fast-forward to the previous step marker
	seekAgain      // re-open and play from the start
)

// Replayer plays recorded events into a sink at their recorded pace. It can
// be paused, stepped one event at a time while paused, sped up, and made
// to jump: forward to the next step or quiet moment; back to the previous
// step or the start when it can re-open its source (SetReopen).
type Replayer struct {
	src    EventSource
	sink   Sink
	paused atomic.Bool
	step   chan struct{}
	next   atomic.Int64
	total  atomic.Int64 // -1 until the end of the source is reached
	speed  atomic.Int32
	ended  atomic.Bool
	seek   atomic.Int32

	reopen    func() (EventSource, error) // nil: no going back
	onRestart func()                      // before a re-opened pass plays
	onChange  func()                      // the end was reached

	// Words say the event for a recording that breaks off (see
	// Config.Words); set before Run.
	Words map[string]string

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
	r.speed.Store(1)
	return r
}

// SetReopen lets the replay go back: open hands out the recording afresh
// (a source that is an io.Closer is closed when replaced). With it, Run
// does not return at the end but waits there to play again. Call before
// Run.
func (r *Replayer) SetReopen(open func() (EventSource, error)) { r.reopen = open }

// OnRestart sets what runs before a re-opened pass plays its first event,
// so a screen can clear what the last pass showed; OnEnd what runs when
// the end is reached. Call before Run.
func (r *Replayer) OnRestart(f func()) { r.onRestart = f }

// OnEnd: see OnRestart.
func (r *Replayer) OnEnd(f func()) { r.onChange = f }

// Run plays until the end (or, with SetReopen, until ctx is done). Gaps
// longer than MaxReplayGap are shortened to it, then divided by the speed.
// A source that fails midway ends the pass with an Error event saying why
// (Err reports it too).
func (r *Replayer) Run(ctx context.Context) {
	defer func() {
		if c, ok := r.src.(io.Closer); ok && r.reopen != nil && r.src != nil {
			c.Close()
		}
	}()
	first := true
	for target := 0; ; {
		if !first {
			src, err := r.reopen()
			if err != nil {
				r.fail(err, time.Time{})
				return
			}
			if c, ok := r.src.(io.Closer); ok {
				c.Close()
			}
			r.src = src
			r.next.Store(0)
			r.ended.Store(false)
			if r.onRestart != nil {
				r.onRestart()
			}
		}
		first = false
		markers, ok := r.pass(ctx, target)
		if !ok {
			return
		}
		if markers < 0 { // a jump back asked for mid-pass
			target = -markers - 1
			continue
		}
		r.ended.Store(true)
		if r.onChange != nil {
			r.onChange()
		}
		if r.reopen == nil {
			return
		}
		// At the end: wait for a jump back.
		for {
			s := seek(r.seek.Swap(int32(seekNone)))
			if s == seekAgain {
				target = 0
				break
			}
			if s == seekPrev {
				target = max(markers-1, 0)
				break
			}
			select {
			case <-r.wakeCh():
			case <-ctx.Done():
				return
			}
		}
	}
}

// pass plays the source once. It skips, unplayed, what comes before step
// marker number target (1 is the first; 0 plays from the start). It returns
// the markers it played, or -(target+1) when a jump back to marker target
// is asked for; false when ctx ended.
func (r *Replayer) pass(ctx context.Context, target int) (int, bool) {
	var prev time.Time
	markers := 0
	fast := seekNone
	from := 0 // the markers played when a jump forward was asked for
	for played := int64(0); ; {
		e, err := r.src.Next()
		if err != nil {
			r.total.Store(played)
			if err != io.EOF {
				r.fail(err, prev)
			}
			return markers, true
		}
		if e.Kind == StepChanged {
			markers++
		}
		if markers < target {
			continue // before the step jumped to: not shown, no gaps
		}
		land := markers == target && target > 0 && e.Kind == StepChanged // shown at once, paused or not
		switch s := seek(r.seek.Swap(int32(seekNone))); s {
		case seekNext, seekQuiet:
			fast, from = s, markers
		case seekPrev:
			return -(max(markers-1, 0) + 1), true
		case seekAgain:
			return -1, true
		}
		gap := time.Duration(0)
		if !prev.IsZero() {
			gap = e.Time.Sub(prev)
		}
		switch {
		case land:
		case fast == seekNext:
			if e.Kind == StepChanged && markers > from {
				fast = seekNone
			}
		case fast == seekQuiet && gap < QuietGap:
		default:
			fast = seekNone
			if s, ok := r.wait(ctx, gap); !ok {
				return markers, false
			} else if s == seekPrev {
				return -(max(markers-1, 0) + 1), true
			} else if s == seekAgain {
				return -1, true
			} else if s != seekNone {
				fast, from = s, markers
			}
		}
		prev = e.Time
		r.sink.Push(e)
		played++
		r.next.Store(played)
	}
}

// wait sleeps out a recorded gap at the current speed, and while paused
// waits for a step. A jump asked for meanwhile ends the wait and is
// returned; false when ctx ends.
func (r *Replayer) wait(ctx context.Context, gap time.Duration) (seek, bool) {
	start := time.Now()
	gap = min(gap, MaxReplayGap)
	for {
		if s := seek(r.seek.Swap(int32(seekNone))); s != seekNone {
			return s, true
		}
		if r.paused.Load() {
			select {
			case <-r.step:
				return seekNone, true
			case <-r.wakeCh():
				continue
			case <-ctx.Done():
				return seekNone, false
			}
		}
		left := gap/time.Duration(r.speed.Load()) - time.Since(start)
		if left <= 0 {
			return seekNone, ctx.Err() == nil
		}
		wake := r.wakeCh()
		t := time.NewTimer(left)
		select {
		case <-t.C:
		case <-wake:
		case <-ctx.Done():
			t.Stop()
			return seekNone, false
		}
		t.Stop()
	}
}

func (r *Replayer) fail(err error, at time.Time) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
	r.sink.Push(Event{Time: at, Kind: Error, Text: Phrase{"srv.recording", []any{err}}.Say(r.Words)})
}

// Err is why the source stopped early, once Run has returned; nil at a
// clean end.
func (r *Replayer) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
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

// CycleSpeed goes to the next of ReplaySpeeds (after the last, the first).
func (r *Replayer) CycleSpeed() {
	cur := int(r.speed.Load())
	next := ReplaySpeeds[0]
	for i, s := range ReplaySpeeds {
		if s == cur && i+1 < len(ReplaySpeeds) {
			next = ReplaySpeeds[i+1]
		}
	}
	r.speed.Store(int32(next))
	r.kick()
}

// Speed is how many times faster than recorded the replay plays.
func (r *Replayer) Speed() int { return int(r.speed.Load()) }

func (r *Replayer) ask(s seek) { r.seek.Store(int32(s)); r.kick() }

// NextStep plays the rest of this step at once, up to the next step marker.
func (r *Replayer) NextStep() { r.ask(seekNext) }

// SkipBurst plays at once up to the next recorded pause of QuietGap.
func (r *Replayer) SkipBurst() { r.ask(seekQuiet) }

// PrevStep goes back to the step before the one playing (with SetReopen).
func (r *Replayer) PrevStep() {
	if r.reopen != nil {
		r.ask(seekPrev)
	}
}

// Again plays the recording from the start (with SetReopen).
func (r *Replayer) Again() {
	if r.reopen != nil {
		r.ask(seekAgain)
	}
}

// CanRewind reports whether PrevStep and Again can act.
func (r *Replayer) CanRewind() bool { return r.reopen != nil }

// Ended reports whether the last event has been played.
func (r *Replayer) Ended() bool { return r.ended.Load() }

// Progress is how many events have been played, of how many. A streamed
// recording's total is not known until its end is read: until then total
// is -1.
func (r *Replayer) Progress() (played, total int) {
	return int(r.next.Load()), int(r.total.Load())
}
