package netcore

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// A real session's events survive the round trip through a recording:
// kinds, sources, reasons, counts and the exact bytes, hostile ones too.
func TestRecordingRoundTrip(t *testing.T) {
	srv, col := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{Idle: 200 * time.Millisecond})
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	hostile := "\x1b]0;pwned\x07 café \xff\r\n"
	if _, err := c.Write([]byte(hostile)); err != nil {
		t.Fatal(err)
	}
	col.waitCount(1, "idle close", is(FromServer, Closed))

	var file bytes.Buffer
	rec := NewRecorder(&file)
	for _, e := range col.events {
		rec.Push(e)
	}
	if dropped, err := rec.Close(); dropped != 0 || err != nil {
		t.Fatalf("dropped %d, err %v", dropped, err)
	}
	back, err := ReadRecording(&file)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(col.events) {
		t.Fatalf("%d events back, %d recorded", len(back), len(col.events))
	}
	for i, e := range col.events {
		b := back[i]
		if b.Kind != e.Kind || b.Source != e.Source || b.Conn != e.Conn || b.Count != e.Count || b.Reason != e.Reason ||
			!bytes.Equal(b.Data, e.Data) || !b.Time.Equal(e.Time) || b.Idle.Milliseconds() != e.Idle.Milliseconds() {
			t.Errorf("event %d changed:\n  was %s\n  now %s", i, TranscriptLine(e), TranscriptLine(b))
		}
		if TranscriptLine(b) != TranscriptLine(e) && e.Kind != Closed {
			t.Errorf("transcript differs:\n  %s\n  %s", TranscriptLine(e), TranscriptLine(b))
		}
	}
}

func TestReadRecordingRejectsWhatIsNotOne(t *testing.T) {
	for name, in := range map[string]string{
		"empty":          "",
		"not json":       "hello\n",
		"unknown kind":   `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"explode"}` + "\n",
		"bad escape":     `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"recv","bytes":1,"data":"\\q"}` + "\n",
		"data > count":   `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"recv","bytes":1,"data":"abc"}` + "\n",
		"bad time":       `{"time":"noon","source":"server","kind":"note"}` + "\n",
		"unknown reason": `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"closed","reason":"boredom"}` + "\n",
	} {
		if _, err := ReadRecording(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A replay plays at the recorded pace, pauses, and steps one event at a time.
func TestReplayerPausesAndSteps(t *testing.T) {
	start := time.Now()
	var events []Event
	for i := 0; i < 5; i++ {
		events = append(events, Event{Time: start.Add(time.Duration(i) * 50 * time.Millisecond), Kind: Note, Text: "e"})
	}
	inbox := NewInbox(100)
	r := NewReplayer(events, inbox)
	r.SetPaused(true)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	time.Sleep(100 * time.Millisecond)
	if n := inbox.Len(); n != 0 {
		t.Fatalf("paused, yet %d events played", n)
	}
	r.Step()
	deadline := time.Now().Add(2 * time.Second)
	for inbox.Len() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if played, _ := r.Progress(); played != 1 || inbox.Len() != 1 {
		t.Fatalf("one step should play one event: played %d, inbox %d", played, inbox.Len())
	}
	r.SetPaused(false)
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the replay did not finish after resuming")
	}
	if played, total := r.Progress(); played != total || inbox.Len() != 5 {
		t.Fatalf("played %d of %d, inbox %d", played, total, inbox.Len())
	}
}
