package lessons_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

// progress.json that is not a small regular file (a device behind a
// symlink, a FIFO, a directory, something huge) is set aside at once, like
// a damaged file, and the course starts from empty progress.
func TestStoreSetsAsideWhatIsNotAProgressFile(t *testing.T) {
	cases := map[string]func(t *testing.T, path string){
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
		"oversized": func(t *testing.T, path string) {
			// Valid JSON, but far more than any progress file holds.
			big := `{"lesson":"tcp-accept","step":0,"done":{},"pad":"` + strings.Repeat("x", 2<<20) + `"}`
			if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, prepare := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "progress.json")
			prepare(t, path)
			type result struct {
				s    *lessons.Store
				p    lessons.Progress
				warn string
				err  error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				s, p, warn, err := lessons.OpenStore(dir)
				done <- result{s, p, warn, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(3 * time.Second):
				t.Fatal("OpenStore still busy after 3s")
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("OpenStore took %s", took)
			}
			if r.err != nil {
				t.Fatalf("want it set aside with a warning, got error: %v", r.err)
			}
			if !strings.HasPrefix(r.warn, path+".damaged-") || strings.Contains(r.warn, "\n") {
				t.Fatalf("warning %q does not name a progress.json.damaged-* file", r.warn)
			}
			if r.p.Lesson != "" || len(r.p.Done) != 0 {
				t.Errorf("progress from %s: %+v, want empty", name, r.p)
			}
			if _, err := os.Lstat(path); !os.IsNotExist(err) {
				t.Errorf("progress.json still in place: %v", err)
			}
			if _, err := os.Lstat(r.warn); err != nil {
				t.Errorf("nothing kept at %s: %v", r.warn, err)
			}
			// The course goes on: a save writes a fresh regular file.
			p := r.p
			p.MarkDone("tcp-accept", 0)
			if err := r.s.Save(p, 1); err != nil {
				t.Fatalf("save after setting aside: %v", err)
			}
			if _, again, warn, err := lessons.OpenStore(dir); err != nil || warn != "" || !again.IsDone("tcp-accept", 0) {
				t.Errorf("reopen: %+v warn=%q err=%v", again, warn, err)
			}
		})
	}
}
