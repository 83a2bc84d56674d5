package lessons_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tubes-course/tubes/lessons"
)

// Built is kept apart from steps done, survives a save, a clone and an
// old progress file without it, and is forgotten with the lesson.
func TestProgressBuilt(t *testing.T) {
	dir := t.TempDir()
	// A progress file as earlier versions wrote it: no "built".
	old := `{"lesson": "ping-pong", "step": 1, "done": {"tcp-accept": [0, 1, 2]}}`
	if err := os.WriteFile(filepath.Join(dir, "progress.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s, p, warn, err := lessons.OpenStore(dir)
	if err != nil || warn != "" || !p.IsDone("tcp-accept", 2) || p.Built("tcp-accept") {
		t.Fatalf("old file: %+v warn %q err %v", p, warn, err)
	}
	p.MarkBuilt("tcp-accept")
	q := p.Clone()
	p.MarkBuilt("client")
	if !q.Built("tcp-accept") || q.Built("client") {
		t.Errorf("clone shares built: %v", q.BuiltLessons)
	}
	if err := s.Save(p, 1); err != nil {
		t.Fatal(err)
	}
	_, got, _, err := lessons.OpenStore(dir)
	if err != nil || !got.Built("tcp-accept") || !got.Built("client") || got.Built("ping-pong") || !got.IsDone("tcp-accept", 0) {
		t.Fatalf("after a save: %+v, %v", got, err)
	}
	got.Forget("client")
	if got.Built("client") || !got.Built("tcp-accept") {
		t.Errorf("Forget(client): %v", got.BuiltLessons)
	}
	got.Forget("")
	if got.Built("tcp-accept") {
		t.Errorf("Forget all kept built: %v", got.BuiltLessons)
	}
}

// The runtime file names the ports served while it exists; one of a
// process that is gone is ignored.
func TestServingPorts(t *testing.T) {
	dir := t.TempDir()
	if got := lessons.ServingPorts(dir); len(got) != 0 {
		t.Fatalf("fresh dir: %v", got)
	}
	done, err := lessons.MarkServing(dir, []int{4123})
	if err != nil {
		t.Fatal(err)
	}
	// A file a crashed tubes left: a pid that cannot be running.
	if err := os.WriteFile(filepath.Join(dir, "serving", "999999999"), []byte("4999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := lessons.ServingPorts(dir); !slices.Equal(got, []int{4123}) {
		t.Errorf("ServingPorts = %v, want [4123]", got)
	}
	done()
	if got := lessons.ServingPorts(dir); len(got) != 0 {
		t.Errorf("after removal: %v", got)
	}
}
