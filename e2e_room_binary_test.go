//go:build e2e

package main

import (
	"html"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

// The room page of the real binary: tubes runs in tmux with --room-port,
// headless Chromium opens the page and sees the step on the teacher's
// screen, a name posted with curl shows in the TUI's who-panel.
func TestRoomPageOfTheBinary(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser")
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	title := course.Lessons[course.Find("ping-pong")].Steps[0].Title
	rport := freePort(t)
	s := startTUI(t, 140, 40, "--lesson", "ping-pong", "--room-port", strconv.Itoa(rport))
	base := "http://127.0.0.1:" + strconv.Itoa(rport)

	page := openChromium(t, chromium, base+"/")
	waitFor(t, 30*time.Second, "the step's title in the room page", func() bool {
		return strings.Contains(page.dom(), html.EscapeString(title))
	}, func() string { return page.dom() })

	// From another loopback address: 127.0.0.1 is this machine's own, the
	// teacher's, and the who-panel names students only.
	r := curl(t, 10*time.Second, "-sS", "--interface", "127.0.0.23", "-o", "/dev/null", "-w", "%{http_code}", "-d", "name=Ada Lovelace", base+"/name")
	if code := string(r.stdout); code != "200" && code != "303" {
		t.Fatalf("POST /name answered %q: %s", code, r.stderr)
	}
	// A student who named themselves and then connects to the lesson.
	runTool(t, 10*time.Second, []byte("hello"), nil, needNC(t), "-N", "-w", "3", "-s", "127.0.0.23", "127.0.0.1", strconv.Itoa(s.port))
	s.keys("w")
	s.waitScreen("Who is connected", "Ada Lovelace")
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)
	s.quit()
}
