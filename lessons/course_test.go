package lessons_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
)

func loadEN(t *testing.T) *lessons.Course {
	t.Helper()
	c, err := lessons.Load("en")
	if err != nil {
		t.Fatalf("Load(en): %v", err)
	}
	return c
}

// The whole course, in its order; ids are what learners type after
// --lesson and what progress files remember, so they must not drift.
func TestIDs(t *testing.T) {
	want := []string{
		"tcp-accept", "client", "ping-pong", "byte-stream", "closing", "http-response", "content-length",
		"http-request", "routing", "files", "concurrency", "keep-alive", "chunked", "compression", "timeouts",
		"tls", "websocket",
	}
	if got := lessons.IDs(); !reflect.DeepEqual(got, want) {
		t.Errorf("IDs() = %v, want %v", got, want)
	}
}

func TestFind(t *testing.T) {
	c := loadEN(t)
	for i, id := range lessons.IDs() {
		if got := c.Find(id); got != i {
			t.Errorf("Find(%q) = %d, want %d", id, got, i)
		}
	}
	if got := c.Find("nope"); got != -1 {
		t.Errorf("Find(nope) = %d, want -1", got)
	}
}

func TestLocate(t *testing.T) {
	c := loadEN(t)
	pp := c.Find("ping-pong")
	n := len(c.Lessons[pp].Steps)
	ok := []struct {
		step, wantIndex int
	}{
		{0, 0}, // no --step: the first step
		{1, 0}, // steps are 1-based on the command line
		{n, n - 1},
	}
	for _, o := range ok {
		li, si, err := c.Locate("ping-pong", o.step)
		if err != nil || li != pp || si != o.wantIndex {
			t.Errorf("Locate(ping-pong, %d) = %d, %d, %v; want %d, %d, nil", o.step, li, si, err, pp, o.wantIndex)
		}
	}
	for _, bad := range []int{-1, n + 1, 1000} {
		if _, _, err := c.Locate("ping-pong", bad); err == nil {
			t.Errorf("Locate(ping-pong, %d): no error", bad)
		} else if !strings.Contains(err.Error(), "1 to "+strconv.Itoa(n)) {
			t.Errorf("Locate(ping-pong, %d) error %q does not give the valid range", bad, err)
		}
	}
	_, _, err := c.Locate("no-such-lesson", 1)
	if err == nil {
		t.Fatal("Locate(unknown id): no error")
	}
	// The message should help: it lists the ids that do exist.
	for _, id := range lessons.IDs() {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("unknown-id error %q does not list %s", err, id)
		}
	}
}

func TestWriteList(t *testing.T) {
	c := loadEN(t)
	var p lessons.Progress
	ta := c.Lessons[c.Find("tcp-accept")]
	for i := range ta.Steps {
		p.MarkDone("tcp-accept", i)
	}
	p.MarkDone("ping-pong", 1)
	p.Lesson = "ping-pong"
	p.MarkBuilt("client")

	var buf bytes.Buffer
	c.WriteList(&buf, p, "built")
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(c.Lessons) {
		t.Fatalf("%d lines for %d lessons:\n%s", len(lines), len(c.Lessons), buf.String())
	}
	for i, l := range c.Lessons {
		line := lines[i]
		if !strings.Contains(line, l.ID) || !strings.Contains(line, l.Title) {
			t.Errorf("line %d %q lacks id %q or title %q", i+1, line, l.ID, l.Title)
		}
		if !strings.Contains(line, strconv.Itoa(i+1)+". ") {
			t.Errorf("line %d %q is not numbered", i+1, line)
		}
		done := 0
		for s := range l.Steps {
			if p.IsDone(l.ID, s) {
				done++
			}
		}
		count := strconv.Itoa(done) + "/" + strconv.Itoa(len(l.Steps))
		if !strings.Contains(line, count) {
			t.Errorf("line %q lacks done count %s", line, count)
		}
		complete := done == len(l.Steps)
		if got := strings.Contains(line, "✓"); got != complete {
			t.Errorf("line %q: check mark shown = %v, want %v", line, got, complete)
		}
		if got := strings.HasSuffix(line, "  built"); got != (l.ID == "client") {
			t.Errorf("line %q: built shown = %v", line, got)
		}
		// The lesson the learner is in is marked, so they see where resume goes.
		if here := strings.HasPrefix(line, "▸"); here != (l.ID == p.Lesson) {
			t.Errorf("line %q: current-lesson marker = %v, want %v", line, here, l.ID == p.Lesson)
		}
	}
}

// tubes lessons --json: one list of {"id", "title", "steps", "done",
// "built"}, built from the progress.
func TestWriteListJSON(t *testing.T) {
	c := loadEN(t)
	var p lessons.Progress
	p.MarkDone("ping-pong", 1)
	p.MarkBuilt("ping-pong")
	var buf bytes.Buffer
	if err := c.WriteListJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, buf.String())
	}
	if len(got) != len(c.Lessons) {
		t.Fatalf("%d entries for %d lessons", len(got), len(c.Lessons))
	}
	for i, e := range got {
		l := c.Lessons[i]
		if len(e) != 5 || e["id"] != l.ID || e["title"] != l.Title || e["steps"] != float64(len(l.Steps)) {
			t.Errorf("entry %d: %v", i, e)
		}
		wantDone, wantBuilt := 0.0, false
		if l.ID == "ping-pong" {
			wantDone, wantBuilt = 1, true
		}
		if e["done"] != wantDone || e["built"] != wantBuilt {
			t.Errorf("%s: done %v built %v", l.ID, e["done"], e["built"])
		}
	}
}
