package tui

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// stepLog is a StepWatcher that keeps what it was told.
type stepLog struct {
	mu    sync.Mutex
	steps []string
}

func (s *stepLog) SetStep(l lessons.Lesson, step int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, l.ID+"/"+l.Steps[step].Title)
}

// The live backend tells its watchers (the room page) each step the
// screen opens: the first one, and every n and p after.
func TestLiveBackendTellsWatchersTheStep(t *testing.T) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	inbox := netcore.NewInbox(1000)
	li := course.Find("ping-pong")
	srv, err := netcore.Listen(netcore.Config{Addr: "localhost:0"}, course.Lessons[li].Steps[0].Behavior, inbox)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	watch := &stepLog{}
	m := New(Deps{
		Backend: NewLive(Live{Server: srv, Inbox: inbox, Watchers: []StepWatcher{watch}}), Course: course,
		Progress: lessons.Progress{Lesson: "ping-pong"}, Addr: lessons.Address{Host: "localhost", Port: srv.Port()},
		UI: lessons.UIStrings("en"),
	})
	r := &rig{m: m, server: srv, inbox: inbox}
	r.size(120, 40)
	r.press(keyRune('n'))
	r.press(keyRune('p'))
	pp := course.Lessons[li]
	want := []string{"ping-pong/" + pp.Steps[0].Title, "ping-pong/" + pp.Steps[1].Title, "ping-pong/" + pp.Steps[0].Title}
	watch.mu.Lock()
	defer watch.mu.Unlock()
	if len(watch.steps) != len(want) {
		t.Fatalf("the watcher heard %q, want %q", watch.steps, want)
	}
	for i := range want {
		if watch.steps[i] != want[i] {
			t.Fatalf("the watcher heard %q, want %q", watch.steps, want)
		}
	}
}
