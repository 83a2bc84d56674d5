package lessons_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
)

// probeBehaviors picks, for each lesson, the step whose server does what
// the probes test (0-based). The others are the lesson's first step.
var probeBehaviors = map[string]int{
	"tcp-accept":  2, // closes an idle connection after 3 s
	"byte-stream": 2, // line-echo: framing with newlines
	"concurrency": 1, // a goroutine per connection
	"timeouts":    3, // idle and header timeouts, and at most 20 connections
}

// Every lesson's probes pass against the course's own server for it.
func TestProbesPassOnCourseServers(t *testing.T) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range lessons.IDs() {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			l := course.Lessons[course.Find(id)]
			srv, err := netcore.Listen(defaultsAt("127.0.0.1:0"), l.Steps[probeBehaviors[id]].Behavior, netcore.Discard{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
			// Short waits, so a failing probe fails fast; the keep-alive
			// lesson closes a silent connection after 10s.
			opt := probe.Options{Target: srv.Addrs()[0].String(), Wait: time.Second, Reply: 2 * time.Second,
				Quiet: 500 * time.Millisecond, IdleWait: 12 * time.Second, Pause: 100 * time.Millisecond}
			set, ok := lessons.Probes(id)
			if !ok {
				t.Fatalf("lesson %s has no probes", id)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rep, err := probe.Run(ctx, id, set, opt)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			text := b.String()
			if !rep.Pass() || rep.NotRun || len(rep.Results) == 0 {
				t.Fatalf("probes failed against the lesson's own server:\n%s", text)
			}
			for _, r := range rep.Results {
				if r.Kind != probe.Passed || r.Reason != "" || r.Caret != -1 || r.Command == "" {
					t.Errorf("passing probe %q: kind %s, reason %q, caret %d, command %q", r.Name, r.Kind, r.Reason, r.Caret, r.Command)
				}
			}
			if !strings.Contains(text, "PASS  ") || strings.Contains(text, "FAIL") {
				t.Errorf("report:\n%s", text)
			}
			t.Logf("\n%s", text)
		})
	}
}
