package netcore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Tee hands every event to each of its sinks.
type Tee []Sink

func (t Tee) Push(e Event) {
	for _, s := range t {
		s.Push(e)
	}
}

// Recorder writes events as JSON lines (the --json format) to a file. Push
// never blocks a network goroutine: events wait in a bounded queue for the
// writer goroutine, and what does not fit is counted as dropped.
type Recorder struct {
	queue   chan Event
	dropped atomic.Uint64
	done    chan struct{}
	err     error
}

// NewRecorder starts writing to w; Close flushes and stops.
func NewRecorder(w io.Writer) *Recorder {
	r := &Recorder{queue: make(chan Event, 8192), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		bw := bufio.NewWriter(w)
		for e := range r.queue {
			if r.err == nil {
				_, r.err = fmt.Fprintln(bw, JSONLine(e))
			}
			if len(r.queue) == 0 && r.err == nil {
				r.err = bw.Flush() // keep the file current between bursts
			}
		}
		if r.err == nil {
			r.err = bw.Flush()
		}
	}()
	return r
}

func (r *Recorder) Push(e Event) {
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
}

// Close waits for the queue to be written and reports a write error and how
// many events did not fit.
func (r *Recorder) Close() (dropped uint64, err error) {
	close(r.queue)
	<-r.done
	return r.dropped.Load(), r.err
}

// MaxReplayEvents bounds what a replay loads into memory.
const MaxReplayEvents = 1_000_000

// ReadRecording parses a recording. A line that is not an event of ours is
// an error naming its line number.
func ReadRecording(r io.Reader) ([]Event, error) {
	var out []Event
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		e, err := decodeEvent(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if e.Kind == Note && e.Text == "" {
			continue // the transcript's "folded" summaries
		}
		if len(out) == MaxReplayEvents {
			return nil, fmt.Errorf("more than %d events; replay a shorter recording", MaxReplayEvents)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no events in it")
	}
	return out, nil
}

// textAddr is an address read back from a recording.
type textAddr string

func (a textAddr) Network() string { return "tcp" }
func (a textAddr) String() string  { return string(a) }

func decodeEvent(line []byte) (Event, error) {
	var j jsonEvent
	if err := json.Unmarshal(line, &j); err != nil {
		return Event{}, errors.New("not a JSON event")
	}
	if j.Kind == "folded" {
		return Event{Kind: Note}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, j.Time)
	if err != nil {
		return Event{}, fmt.Errorf("bad time %q", j.Time)
	}
	e := Event{Time: t, Conn: j.Conn, Count: j.Bytes, Offset: j.Offset,
		Duration: time.Duration(max(j.Millis*1000, j.Micros)) * time.Microsecond, Idle: time.Duration(j.IdleMs) * time.Millisecond, In: j.In, Out: j.Out}
	if j.Source == "proxy" {
		j.Source = "tap" // recordings made before the tap had one name
	}
	if e.Source, err = lookup[Source](j.Source, []string{"server", "client", "tap"}); err != nil {
		return Event{}, err
	}
	if e.Kind, err = lookup[Kind](j.Kind, kindNames[:]); err != nil {
		return Event{}, err
	}
	if j.Reason != "" {
		if e.Reason, err = lookup[CloseReason](j.Reason, reasonNames[:]); err != nil {
			return Event{}, err
		}
	}
	if j.Local != "" {
		e.Local = textAddr(j.Local)
	}
	if j.Remote != "" {
		e.Remote = textAddr(j.Remote)
	}
	// Data and Text were escaped when written; they come back as bytes.
	if e.Data, err = Unescape(j.Data); err != nil {
		return Event{}, fmt.Errorf("data: %v", err)
	}
	text, err := Unescape(j.Text)
	if err != nil {
		return Event{}, fmt.Errorf("text: %v", err)
	}
	e.Text = string(text)
	if len(e.Data) > e.Count {
		return Event{}, errors.New("more data than its byte count")
	}
	return e, nil
}

func lookup[T ~uint8](name string, names []string) (T, error) {
	for i, n := range names {
		if n == name && n != "" {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown value %q", name)
}

// Replayer plays recorded events into a sink at their recorded pace. It can
// be paused, and stepped one event at a time while paused.
type Replayer struct {
	events []Event
	sink   Sink
	paused atomic.Bool
	step   chan struct{}
	next   atomic.Int64

	mu   sync.Mutex
	wake chan struct{} // closed to wake a paused or waiting player
}

// NewReplayer prepares events for sink; Run plays them.
func NewReplayer(events []Event, sink Sink) *Replayer {
	return &Replayer{events: events, sink: sink, step: make(chan struct{}, 1), wake: make(chan struct{})}
}

// Run plays until the end or ctx is done. Gaps longer than two seconds
// are shortened to two: a demo should not stall on a recorded pause.
func (r *Replayer) Run(ctx context.Context) {
	var prev time.Time
	for i := range r.events {
		e := r.events[i]
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
		r.next.Store(int64(i + 1))
	}
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

// Progress is how many events have been played, of how many.
func (r *Replayer) Progress() (played, total int) { return int(r.next.Load()), len(r.events) }

// textAddr stands in for the addresses a recording names.
var _ net.Addr = textAddr("")
