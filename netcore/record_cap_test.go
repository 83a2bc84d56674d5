package netcore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCreateRecordingIsPrivateAndFollowsNoSymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.jsonl")
	r, err := CreateRecording(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Push(Event{Time: time.Now(), Kind: Note, Text: "hi"})
	if dropped, err := r.Close(); dropped != 0 || err != nil {
		t.Fatalf("close: %d %v", dropped, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new recording: %v, mode %v; want 0600", err, fi.Mode())
	}

	// A symlink at the path is refused and its target left alone.
	target := filepath.Join(dir, "precious")
	if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.jsonl")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, dangling} {
		if r, err := CreateRecording(p, 0); err == nil {
			r.Close()
			t.Errorf("%s: wrote through a symlink", p)
		} else if !strings.Contains(err.Error(), "symlink") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q should say, in one line, that a symlink is there", p, err)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the symlink's target changed: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !os.IsNotExist(err) {
		t.Errorf("the dangling symlink's target was created")
	}

	// An earlier recording of the same name is replaced, and made private.
	old := filepath.Join(dir, "old.jsonl")
	if err := os.WriteFile(old, bytes.Repeat([]byte("x"), 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = CreateRecording(old, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Push(Event{Time: time.Now(), Kind: Note, Text: "again"})
	r.Close()
	fi, _ := os.Stat(old)
	events, err := ReadRecording(mustOpen(t, old))
	if err != nil || len(events) != 1 || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced recording: %d events, %v, mode %v", len(events), err, fi.Mode())
	}
}

func TestCreateRecordingRefusesSpecialFiles(t *testing.T) {
	for name, prepare := range specialFiles {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rec.jsonl")
			prepare(t, path)
			var err error
			within(t, time.Second, func() {
				var r *Recorder
				if r, err = CreateRecording(path, 0); err == nil {
					r.Close()
				}
			})
			if err == nil || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want a one-line error, got %v", err)
			}
		})
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Past its cap the recorder writes nothing more, says so in State, counts
// what it left out, and the file stays a whole, readable recording.
func TestRecorderStopsAtItsCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "capped.jsonl")
	const max = 64 << 10
	r, err := CreateRecording(path, max)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	one := Event{Time: at, Conn: 1, Kind: Recv, Data: []byte("x"), Count: 1, Local: mustAddr("127.0.0.1:3000"), Remote: mustAddr("127.0.0.1:40000")}
	lineSize := int64(len(JSONLine(one)) + 1)
	const pushed = 10_000 // about 2 MB of lines without a cap
	for i := 0; i < pushed; i++ {
		r.Push(one)
		if i%500 == 0 {
			time.Sleep(time.Millisecond) // let the writer keep up, so drops are the cap's
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for !r.State().Full && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := r.State()
	if !st.Full || st.Max != max || st.Written > max || st.Written < max-lineSize {
		t.Fatalf("state %+v, want full at %d", st, max)
	}
	dropped, err := r.Close()
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Size() != st.Written || fi.Size() > max {
		t.Errorf("file is %d B, state said %d, cap %d", fi.Size(), st.Written, max)
	}
	events, err := ReadRecording(mustOpen(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(events))*lineSize != fi.Size() || uint64(len(events))+dropped != pushed {
		t.Errorf("%d events in the file + %d dropped, %d pushed", len(events), dropped, pushed)
	}
}

// A write error stops the recording and State reports it.
func TestRecorderReportsAWriteError(t *testing.T) {
	r := NewRecorder(failWriter{})
	r.Push(Event{Time: time.Now(), Kind: Note, Text: "x"})
	r.Push(Event{Time: time.Now(), Kind: Note, Text: "y"})
	_, err := r.Close()
	if err == nil || r.State().Err == nil {
		t.Fatalf("close %v, state %+v", err, r.State())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
