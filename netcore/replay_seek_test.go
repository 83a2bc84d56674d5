package netcore

import (
	"context"
	"sync"
	"testing"
	"time"
)

// seqSink keeps what was pushed, in order, with when it arrived.
type seqSink struct {
	mu     sync.Mutex
	events []Event
	at     []time.Time
}

func (s *seqSink) Push(e Event) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
}

func (s *seqSink) snapshot() ([]Event, []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...), append([]time.Time(nil), s.at...)
}

// waitFor polls until cond holds or fails the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// steps builds a recording: for each step a marker, then n notes gap apart.
func steps(start time.Time, count, n int, gap time.Duration) []Event {
	var out []Event
	at := start
	for s := 0; s < count; s++ {
		out = append(out, Event{Time: at, Kind: StepChanged, Text: "ping-pong", Step: s})
		for i := 0; i < n; i++ {
			at = at.Add(gap)
			out = append(out, Event{Time: at, Kind: Note, Text: "e"})
		}
		at = at.Add(gap)
	}
	return out
}

// At 16x a 4-second recording plays in a quarter of a second.
func TestReplayAtSixteenTimes(t *testing.T) {
	events := steps(time.Unix(1_000, 0), 1, 40, 100*time.Millisecond) // 4 s
	var sink seqSink
	r := NewReplayer(events, &sink)
	r.CycleSpeed()
	r.CycleSpeed()
	if r.Speed() != 16 {
		t.Fatalf("speed %d after two cycles, want 16", r.Speed())
	}
	start := time.Now()
	within(t, 5*time.Second, func() { r.Run(context.Background()) })
	took := time.Since(start)
	if got, _ := sink.snapshot(); len(got) != len(events) {
		t.Fatalf("played %d of %d", len(got), len(events))
	}
	if took > 400*time.Millisecond || took < 200*time.Millisecond {
		t.Errorf("a 4 s recording at 16x took %s, want about 0.25 s", took)
	}
	r.CycleSpeed()
	if r.Speed() != 1 {
		t.Errorf("after 16x comes %dx, want 1x", r.Speed())
	}
}

// A recorded pause of a minute lasts MaxReplayGap at most.
func TestReplayCapsALongGap(t *testing.T) {
	at := time.Unix(1_000, 0)
	events := []Event{{Time: at, Kind: Note, Text: "a"}, {Time: at.Add(time.Minute), Kind: Note, Text: "b"}}
	var sink seqSink
	r := NewReplayer(events, &sink)
	r.CycleSpeed() // 4x: the capped 2 s become half a second
	start := time.Now()
	within(t, 5*time.Second, func() { r.Run(context.Background()) })
	if took := time.Since(start); took > 900*time.Millisecond || took < 400*time.Millisecond {
		t.Errorf("a 1-minute gap at 4x took %s, want MaxReplayGap/4", took)
	}
}

// Next step plays the rest of the step at once and lands on the marker.
func TestReplayNextStepJumpsToTheMarker(t *testing.T) {
	events := steps(time.Unix(1_000, 0), 2, 5, time.Second) // 6 s per step
	var sink seqSink
	r := NewReplayer(events, &sink)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	waitFor(t, time.Second, "the first marker", func() bool { got, _ := sink.snapshot(); return len(got) >= 1 })
	start := time.Now()
	r.NextStep()
	waitFor(t, time.Second, "the second marker", func() bool {
		got, _ := sink.snapshot()
		return len(got) >= 7
	})
	got, _ := sink.snapshot()
	if m := got[6]; m.Kind != StepChanged || m.Step != 1 {
		t.Fatalf("event 7 is %v step %d, want the second marker", m.Kind, m.Step)
	}
	if took := time.Since(start); took > 300*time.Millisecond {
		t.Errorf("the jump took %s", took)
	}
	// After the marker the pace is the recorded one again.
	time.Sleep(300 * time.Millisecond)
	if got, _ := sink.snapshot(); len(got) != 7 {
		t.Errorf("%d events right after the marker, want 7: the jump went past it", len(got))
	}
}

// Skip plays the rest of a burst at once and stops at the next quiet gap.
func TestReplaySkipBurstStopsAtAQuietGap(t *testing.T) {
	at := time.Unix(1_000, 0)
	var events []Event
	for i := 0; i < 60; i++ { // a 6-second flood, 100 ms apart
		events = append(events, Event{Time: at.Add(time.Duration(i) * 100 * time.Millisecond), Kind: Note, Text: "flood"})
	}
	quiet := at.Add(6*time.Second + 1500*time.Millisecond)
	events = append(events, Event{Time: quiet, Kind: Note, Text: "after"})
	var sink seqSink
	r := NewReplayer(events, &sink)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	waitFor(t, time.Second, "the flood", func() bool { got, _ := sink.snapshot(); return len(got) >= 2 })
	start := time.Now()
	r.SkipBurst()
	waitFor(t, time.Second, "the end of the burst", func() bool { got, _ := sink.snapshot(); return len(got) >= 60 })
	if took := time.Since(start); took > 300*time.Millisecond {
		t.Errorf("skipping the burst took %s", took)
	}
	time.Sleep(200 * time.Millisecond)
	if got, _ := sink.snapshot(); len(got) != 60 {
		t.Errorf("%d events, want 60: the skip ran past the quiet gap", len(got))
	}
}

// The end is a state and a call; with a way to re-open, previous step
// lands on the previous marker without the gaps before it and plays on
// from there, and again plays anew.
func TestReplayEndPreviousAndAgain(t *testing.T) {
	events := steps(time.Unix(1_000, 0), 3, 3, 10*time.Millisecond)
	var sink seqSink
	r := NewReplayer(events, &sink)
	r.SetReopen(func() (EventSource, error) { return &sliceSource{events}, nil })
	var mu sync.Mutex
	var ends, restarts int
	r.OnEnd(func() { mu.Lock(); ends++; mu.Unlock() })
	r.OnRestart(func() { mu.Lock(); restarts++; mu.Unlock() })
	count := func() (int, int) { mu.Lock(); defer mu.Unlock(); return ends, restarts }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	waitFor(t, 2*time.Second, "the end", func() bool { e, _ := count(); return e == 1 })
	if !r.Ended() {
		t.Fatal("the end was told but Ended is false")
	}
	select {
	case <-done:
		t.Fatal("Run returned at the end though it can play again")
	default:
	}
	before := len(events)
	r.PrevStep()
	waitFor(t, 2*time.Second, "the previous step", func() bool { e, _ := count(); return e == 2 })
	got, at := sink.snapshot()
	back := got[before:]
	if _, rs := count(); rs != 1 || len(back) != 8 || back[0].Kind != StepChanged || back[0].Step != 1 {
		t.Fatalf("after previous step: %d restarts, events %v", rs, back)
	}
	if d := at[before+1].Sub(at[before]); d > 200*time.Millisecond {
		t.Errorf("landing on the marker took %s", d)
	}
	r.Again()
	waitFor(t, 2*time.Second, "the replay again", func() bool { e, _ := count(); return e == 3 })
	got, _ = sink.snapshot()
	if again := got[before+8:]; len(again) != len(events) || again[0].Step != 0 {
		t.Errorf("again played %d events from step %d, want all %d from the start", len(again), again[0].Step, len(events))
	}
	if played, total := r.Progress(); played != total {
		t.Errorf("progress %d/%d at the end", played, total)
	}
	cancel()
	within(t, time.Second, func() { <-done })
}

// Paused, the jumps still land: next step and previous step each show
// their marker at once, and nothing after it plays until resumed.
func TestReplayJumpsWhilePaused(t *testing.T) {
	events := steps(time.Unix(1_000, 0), 3, 3, 10*time.Millisecond)
	var sink seqSink
	r := NewReplayer(events, &sink)
	r.SetReopen(func() (EventSource, error) { return &sliceSource{events}, nil })
	restarted := make(chan struct{}, 4)
	r.OnRestart(func() { restarted <- struct{}{} })
	r.SetPaused(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	last := func() Event { got, _ := sink.snapshot(); return got[len(got)-1] }
	r.NextStep()
	waitFor(t, time.Second, "the second marker", func() bool { got, _ := sink.snapshot(); return len(got) == 5 })
	if e := last(); e.Kind != StepChanged || e.Step != 1 {
		t.Fatalf("next step while paused landed on %v step %d", e.Kind, e.Step)
	}
	r.PrevStep()
	<-restarted
	waitFor(t, time.Second, "the first marker again", func() bool { got, _ := sink.snapshot(); return len(got) == 6 })
	if e := last(); e.Kind != StepChanged || e.Step != 0 {
		t.Fatalf("previous step while paused landed on %v step %d", e.Kind, e.Step)
	}
	time.Sleep(100 * time.Millisecond)
	if got, _ := sink.snapshot(); len(got) != 6 {
		t.Errorf("%d events: paused, yet it played on after the marker", len(got))
	}
}
