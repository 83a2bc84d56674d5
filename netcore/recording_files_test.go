package netcore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// specialFiles makes, at path, each thing that is not a recording file.
var specialFiles = map[string]func(t *testing.T, path string){
	"symlink to /dev/zero": func(t *testing.T, path string) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero here")
		}
		if err := os.Symlink("/dev/zero", path); err != nil {
			t.Fatal(err)
		}
	},
	"fifo": func(t *testing.T, path string) {
		if err := mkfifo(path); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	},
	"directory": func(t *testing.T, path string) {
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
	},
}

// within runs f and fails the test if it takes longer than d.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still busy after %s", d)
	}
}

func TestOpenRecordingRefusesSpecialFiles(t *testing.T) {
	for name, prepare := range specialFiles {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rec.jsonl")
			prepare(t, path)
			var err error
			within(t, time.Second, func() { _, err = OpenRecording(path) })
			if !errors.Is(err, ErrNotRegular) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want a one-line not-a-regular-file error, got %v", err)
			}
		})
	}
}

func TestOpenRecordingRefusesABadOneAtOnce(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty":     "",
		"not json":  "hello\n",
		"bad addr":  `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"accepted","remote":"\u001b]0;x\u0007"}` + "\n",
		"long line": `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"note","text":"` + strings.Repeat("x", MaxRecordingLine) + `"}` + "\n",
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := OpenRecording(path)
		if err == nil {
			t.Errorf("%s: opened", name)
			continue
		}
		said := SayError(err, courseWords("en"))
		assertNoControl(t, name, said)
		if !strings.Contains(said, "is not a tubes recording") || len(said) > 200 {
			t.Errorf("%s: %q is not one short line naming the problem", name, said)
		}
	}
}

// writeRecording writes about size bytes of recv events, all at one
// instant so a replay does not wait between them.
func writeRecording(t *testing.T, path string, size int64) (events int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	payload := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: localhost:3000\r\n\r\n", 25))
	var written int64
	for written < size {
		events++
		e := Event{Time: at, Conn: uint64(events), Kind: Recv, Data: payload, Count: len(payload),
			Local: mustAddr("127.0.0.1:3000"), Remote: mustAddr("127.0.0.1:40000")}
		n, _ := fmt.Fprintln(bw, JSONLine(e))
		written += int64(n)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return events
}

func mustAddr(s string) net.Addr {
	a, err := recordedAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// countSink counts what the replay hands it and when the first came.
type countSink struct {
	n     atomic.Int64
	first atomic.Int64 // unix nanos of the first event
}

func (c *countSink) Push(Event) {
	if c.n.Add(1) == 1 {
		c.first.Store(time.Now().UnixNano())
	}
}

// A ~100 MB recording replays with flat memory: the first event is out
// within a second, and the heap grows by less than 32 MiB.
func TestReplayStreamsABigRecording(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB recording")
	}
	path := filepath.Join(t.TempDir(), "big.jsonl")
	want := writeRecording(t, path, 100<<20)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	start := time.Now()
	rec, err := OpenRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	var sink countSink
	r := NewReplayerFrom(rec, &sink)
	if _, total := r.Progress(); total != -1 {
		t.Errorf("total %d before the end was read, want -1 (unknown)", total)
	}
	done := make(chan struct{})
	go func() { r.Run(context.Background()); close(done) }()
	var peak uint64
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		case <-time.After(20 * time.Millisecond):
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc)
	}
	if first := time.Unix(0, sink.first.Load()).Sub(start); first > time.Second {
		t.Errorf("first event after %s, want within 1s", first)
	}
	if growth := int64(peak) - int64(before.HeapAlloc); growth > 32<<20 {
		t.Errorf("heap grew by %d MiB replaying a 100 MB recording, want < 32", growth>>20)
	}
	played, total := r.Progress()
	if int(sink.n.Load()) != want || played != want || total != want || r.Err() != nil {
		t.Errorf("played %d (sink %d) of %d, want %d; err %v", played, sink.n.Load(), total, want, r.Err())
	}
	t.Logf("%d events, peak heap growth %.1f MiB, %s", want, float64(int64(peak)-int64(before.HeapAlloc))/(1<<20), time.Since(start))
}

// A recording that turns bad midway plays up to there and ends with an
// Error event that says which line.
func TestReplayStopsAtABadLine(t *testing.T) {
	good := `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"note","text":"ok"}`
	in := good + "\n" + good + "\n" + `{"kind":"explode"` + "\n" + good + "\n"
	inbox := NewInbox(10)
	r := NewReplayerFrom(NewRecordingReader(strings.NewReader(in)), inbox)
	r.Words = courseWords("ko") // the event is said in the learner's language
	within(t, 5*time.Second, func() { r.Run(context.Background()) })
	got := inbox.Drain()
	if len(got) != 3 || got[2].Kind != Error || r.Err() == nil {
		t.Fatalf("events %v, err %v", got, r.Err())
	}
	// Which line, and why, are said in the learner's words too.
	if want := (Phrase{"srv.recording", []any{r.Err()}}).Say(r.Words); got[2].Text != want || !strings.Contains(want, "녹화") ||
		!strings.Contains(want, "3번째 줄") || strings.Contains(want, "line 3") || strings.Contains(want, "JSON event") {
		t.Errorf("error event %q, want %q", got[2].Text, want)
	}
	if played, total := r.Progress(); played != 2 || total != 2 {
		t.Errorf("progress %d/%d, want 2/2", played, total)
	}
}

// The step a learner is on goes into a recording and comes back.
func TestStepChangedRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 1, 0, time.UTC)
	e := Event{Time: at, Kind: StepChanged, Text: "ping-pong", Step: 1}
	line := JSONLine(e)
	if !strings.Contains(line, `"kind":"step"`) || !strings.Contains(line, `"lesson":"ping-pong"`) || !strings.Contains(line, `"step":1`) {
		t.Errorf("JSON line: %s", line)
	}
	back, err := ReadRecording(strings.NewReader(line + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b := back[0]; b.Kind != StepChanged || b.Text != "ping-pong" || b.Step != 1 || !b.Time.Equal(at) {
		t.Errorf("back as %+v", b)
	}
	if got := TranscriptLine(back[0]); got != "12:00:01.000 step changed to ping-pong step 2" {
		t.Errorf("transcript %q", got)
	}
	for _, bad := range []string{
		`{"time":"2026-11-24T12:00:00Z","source":"server","kind":"step","lesson":"x\u001b[2J","step":1}`,
		`{"time":"2026-11-24T12:00:00Z","source":"server","kind":"step","step":1}`,
		`{"time":"2026-11-24T12:00:00Z","source":"server","kind":"step","lesson":"ping-pong","step":-1}`,
	} {
		if _, err := ReadRecording(strings.NewReader(bad + "\n")); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
