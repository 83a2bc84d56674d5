package tui

import (
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// counting wraps the root model and counts what the program asks of it:
// every message (Update), every frame (View), and the flush tick's
// messages. Atomics, because the program runs on its own goroutine while
// the test reads the counts.
type counting struct {
	m                     *Model
	updates, views, ticks atomic.Int64
}

func (c *counting) Init() tea.Cmd { return c.m.Init() }

func (c *counting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c.updates.Add(1)
	switch msg.(type) {
	case wakeMsg, batchMsg:
		c.ticks.Add(1)
	}
	_, cmd := c.m.Update(msg)
	return c, cmd
}

func (c *counting) View() tea.View {
	c.views.Add(1)
	return c.m.View()
}

type counts struct{ updates, views, ticks int64 }

func (c *counting) now() counts {
	return counts{c.updates.Load(), c.views.Load(), c.ticks.Load()}
}

// settle waits until nothing has reached the model for quiet, so the
// startup messages (window size, the terminal's replies) and the last
// flush ticks are behind us. It gives up after limit.
func (c *counting) settle(t *testing.T, quiet, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	last, since := c.now(), time.Now()
	for time.Since(since) < quiet {
		if time.Now().After(deadline) {
			t.Fatalf("the program never went quiet for %s: %+v", quiet, c.now())
		}
		time.Sleep(20 * time.Millisecond)
		if n := c.now(); n != last {
			last, since = n, time.Now()
		}
	}
}

// idleFor checks that over d nothing reaches the model: no message, so no
// tick, and no frame. (Bubble Tea's renderer keeps its own frame timer,
// but it asks the model for nothing: a frame is drawn only after Update.)
func (c *counting) idleFor(t *testing.T, what string, d time.Duration) {
	t.Helper()
	before := c.now()
	time.Sleep(d)
	if after := c.now(); after != before {
		t.Fatalf("%s: over %s of idleness the model got %d messages (%d ticks) and drew %d frames, want none",
			what, d, after.updates-before.updates, after.ticks-before.ticks, after.views-before.views)
	}
}

// TestIdleMeansIdle: target 5. With no traffic and no keys the running
// program neither ticks nor renders; traffic wakes it, and once the
// traffic is over it goes back to sleep.
func TestIdleMeansIdle(t *testing.T) {
	r := newRig(t, "http-response")
	c := &counting{m: r.m}
	tm := teatest.NewTestModel(t, c,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return len(b) > 0 },
		teatest.WithDuration(10*time.Second))

	c.settle(t, 300*time.Millisecond, 10*time.Second)
	c.idleFor(t, "after startup", time.Second)

	// A request wakes the model: it ticks, draws, and sees the events.
	before := c.now()
	get(t, "127.0.0.1:"+strconv.Itoa(r.server.Port()))
	c.settle(t, 300*time.Millisecond, 10*time.Second)
	if n := c.now(); n.ticks == before.ticks || n.views == before.views {
		t.Fatalf("a request should wake the model: %+v then %+v", before, n)
	}
	c.idleFor(t, "after traffic", time.Second)

	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// get makes one HTTP request on its own connection and reads the answer.
func get(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatal(err)
	}
}
