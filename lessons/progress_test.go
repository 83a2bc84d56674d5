package lessons_test

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tubes-course/tubes/lessons"
)

func TestProgressMarkDoneAndClone(t *testing.T) {
	var p lessons.Progress // zero value: Done is nil
	if p.IsDone("tcp-accept", 0) {
		t.Fatal("empty progress reports a step done")
	}
	p.MarkDone("tcp-accept", 2)
	p.MarkDone("tcp-accept", 2) // twice must not count twice
	p.MarkDone("tcp-accept", 0)
	if !p.IsDone("tcp-accept", 2) || !p.IsDone("tcp-accept", 0) || p.IsDone("tcp-accept", 1) {
		t.Errorf("IsDone wrong after MarkDone: %v", p.Done)
	}
	if got := len(p.Done["tcp-accept"]); got != 2 {
		t.Errorf("Done[tcp-accept] = %v, want two entries", p.Done["tcp-accept"])
	}
	// A clone is what a background save writes; later marks must not leak in.
	q := p.Clone()
	p.MarkDone("tcp-accept", 1)
	p.MarkDone("ping-pong", 0)
	if q.IsDone("tcp-accept", 1) || q.IsDone("ping-pong", 0) {
		t.Errorf("clone shares state with the original: %v", q.Done)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	// A directory that does not exist yet: the first save makes it.
	dir := filepath.Join(t.TempDir(), "state", "tubes")
	s, p, warn, err := lessons.OpenStore(dir)
	if err != nil || warn != "" {
		t.Fatalf("OpenStore on a fresh dir: warn=%q err=%v", warn, err)
	}
	if p.Lesson != "" || p.Step != 0 || len(p.Done) != 0 {
		t.Fatalf("fresh progress not empty: %+v", p)
	}
	if s.Path() != filepath.Join(dir, "progress.json") {
		t.Errorf("Path() = %q", s.Path())
	}
	p.Lesson, p.Step = "ping-pong", 1
	p.MarkDone("tcp-accept", 0)
	p.MarkDone("tcp-accept", 1)
	p.MarkDone("ping-pong", 0)
	if err := s.Save(p, 1); err != nil {
		t.Fatalf("Save: %v", err)
	}
	_, got, warn, err := lessons.OpenStore(dir)
	if err != nil || warn != "" {
		t.Fatalf("reopen: warn=%q err=%v", warn, err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip: got %+v, want %+v", got, p)
	}
}

func TestStoreKeepsNewerVersion(t *testing.T) {
	dir := t.TempDir()
	s, _, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	newer := lessons.Progress{Lesson: "http-response", Step: 2}
	older := lessons.Progress{Lesson: "tcp-accept", Step: 0}
	if err := s.Save(newer, 5); err != nil {
		t.Fatal(err)
	}
	// A slow background save of an earlier snapshot finishing late.
	if err := s.Save(older, 4); err != nil {
		t.Fatalf("late older save returned %v; it should be dropped quietly", err)
	}
	_, got, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lesson != "http-response" || got.Step != 2 {
		t.Errorf("older save overwrote newer: got %+v", got)
	}
}

// Saves run on their own goroutines in the tui and may finish in any order;
// whatever the order, the file ends with the highest version.
func TestStoreConcurrentSaves(t *testing.T) {
	dir := t.TempDir()
	s, _, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	for v := 1; v <= n; v++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Save(lessons.Progress{Lesson: "tcp-accept", Step: v}, uint64(v)); err != nil {
				t.Errorf("Save v%d: %v", v, err)
			}
		}()
	}
	wg.Wait()
	_, got, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != n {
		t.Errorf("after concurrent saves the file has step %d, want %d (the newest)", got.Step, n)
	}
	assertOnlyFiles(t, dir, "progress.json")
}

// Save must replace the file (write elsewhere, rename over), never rewrite
// it in place: a crash mid-write would then leave half a file.
func TestStoreSaveIsAtomicReplace(t *testing.T) {
	dir := t.TempDir()
	s, _, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(lessons.Progress{Lesson: "tcp-accept"}, 1); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	// A hard link keeps the first file's inode reachable. If Save wrote in
	// place, the link would see the new bytes; with a rename it keeps the old.
	old := filepath.Join(dir, "old-inode")
	if err := os.Link(s.Path(), old); err != nil {
		t.Skipf("hard links not supported here: %v", err)
	}
	if err := s.Save(lessons.Progress{Lesson: "http-response", Step: 1}, 2); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if string(kept) != string(first) {
		t.Errorf("progress.json was rewritten in place, not replaced:\nold inode now %q", kept)
	}
	now, _ := os.ReadFile(s.Path())
	if !strings.Contains(string(now), "http-response") {
		t.Errorf("new progress not written: %q", now)
	}
	// No temporary files are left behind.
	assertOnlyFiles(t, dir, "old-inode", "progress.json")
}

// A failed save reports the error and still leaves no temporary file.
func TestStoreFailedSaveLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	s, _, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A non-empty directory where the file should be makes the rename fail.
	if err := os.MkdirAll(filepath.Join(s.Path(), "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(lessons.Progress{Lesson: "tcp-accept"}, 1); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
	assertOnlyFiles(t, dir, "progress.json")
}

func TestStoreDamagedFileIsSetAside(t *testing.T) {
	cases := map[string][]byte{
		"garbage":     {0x00, 0xff, 0x13, 'x', '{', 0x80},
		"truncated":   []byte(`{"lesson":"ping-pong","step":1,"do`),
		"wrong types": []byte(`{"lesson":7,"step":"two"}`),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "progress.json")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, p, warn, err := lessons.OpenStore(dir)
			if err != nil {
				t.Fatalf("damaged file is an error, want a warning: %v", err)
			}
			if p.Lesson != "" || p.Step != 0 || len(p.Done) != 0 {
				t.Errorf("progress from a damaged file: %+v, want empty", p)
			}
			if !strings.HasPrefix(warn, path+".damaged-") {
				t.Fatalf("warning %q does not name a progress.json.damaged-* file in %s", warn, dir)
			}
			// The learner's bytes are kept, where the warning says.
			kept, err := os.ReadFile(warn)
			if err != nil || string(kept) != string(content) {
				t.Errorf("damaged file not kept at %s: %q, %v", warn, kept, err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("progress.json still in place after being set aside: %v", err)
			}
			// Progress goes on from empty and saves normally.
			p.MarkDone("tcp-accept", 0)
			if err := s.Save(p, 1); err != nil {
				t.Fatalf("save after damage: %v", err)
			}
			_, again, warn2, err := lessons.OpenStore(dir)
			if err != nil || warn2 != "" || !again.IsDone("tcp-accept", 0) {
				t.Errorf("reopen after recovery: %+v warn=%q err=%v", again, warn2, err)
			}
		})
	}
}

func TestStateDir(t *testing.T) {
	explicit := t.TempDir()
	t.Setenv("TUBES_STATE_DIR", explicit)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if got, err := lessons.StateDir(); err != nil || got != explicit {
		t.Errorf("with TUBES_STATE_DIR: %q, %v; want %q", got, err, explicit)
	}

	if runtime.GOOS != "linux" {
		t.Skip("XDG_STATE_HOME applies on Linux and the BSDs")
	}
	t.Setenv("TUBES_STATE_DIR", "")
	xdg := t.TempDir()
	t.Setenv("XDG_STATE_HOME", xdg)
	if got, err := lessons.StateDir(); err != nil || got != filepath.Join(xdg, "tubes") {
		t.Errorf("with XDG_STATE_HOME: %q, %v; want %q", got, err, filepath.Join(xdg, "tubes"))
	}
	// The XDG spec says relative paths are invalid and must be ignored.
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_STATE_HOME", v)
		want := filepath.Join(home, ".local", "state", "tubes")
		if got, err := lessons.StateDir(); err != nil || got != want {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v; want %q", v, got, err, want)
		}
	}
}

func assertOnlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files in %s: %v, want exactly %v (temporary files left behind?)", dir, got, want)
	}
}
