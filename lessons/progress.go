package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// Progress is what the learner has done and where they are.
type Progress struct {
	Lesson string `json:"lesson"`
	Step   int    `json:"step"`
	// Done holds, per lesson id, the indexes of finished steps: what
	// the learner watched.
	Done map[string][]int `json:"done"`
	// Built holds the lessons whose server the learner built: theirs
	// passed the lesson's check (tubes check, or the Your-turn step).
	// Older progress files have none.
	BuiltLessons map[string]bool `json:"built,omitempty"`
}

// Built reports whether the learner's own server passed lesson id.
func (p Progress) Built(id string) bool { return p.BuiltLessons[id] }

// MarkBuilt records that the learner's server passed lesson id's check.
func (p *Progress) MarkBuilt(id string) {
	if p.BuiltLessons == nil {
		p.BuiltLessons = map[string]bool{}
	}
	p.BuiltLessons[id] = true
}

// IsDone reports whether step i of lesson id is finished.
func (p Progress) IsDone(id string, i int) bool {
	for _, d := range p.Done[id] {
		if d == i {
			return true
		}
	}
	return false
}

// MarkDone records step i of lesson id as finished.
func (p *Progress) MarkDone(id string, i int) {
	if p.IsDone(id, i) {
		return
	}
	if p.Done == nil {
		p.Done = map[string][]int{}
	}
	p.Done[id] = append(p.Done[id], i)
}

// Forget drops what was done in lesson id, or in every lesson when id is
// empty. Where the learner is stays as it was.
func (p *Progress) Forget(id string) {
	if id == "" {
		p.Done, p.BuiltLessons = nil, nil
		return
	}
	delete(p.Done, id)
	delete(p.BuiltLessons, id)
}

// Clone copies p so a snapshot can be saved while p changes.
func (p Progress) Clone() Progress {
	q := Progress{Lesson: p.Lesson, Step: p.Step, Done: map[string][]int{}}
	for k, v := range p.Done {
		q.Done[k] = append([]int(nil), v...)
	}
	for k, v := range p.BuiltLessons {
		if q.BuiltLessons == nil {
			q.BuiltLessons = map[string]bool{}
		}
		q.BuiltLessons[k] = v
	}
	return q
}

// Store keeps progress in a file, written atomically.
type Store struct {
	path    string
	mu      sync.Mutex
	written uint64 // version of the last save, so a late older save is skipped
}

// StateDir is where tubes keeps its state: $TUBES_STATE_DIR, else the XDG
// state directory on Linux, else the platform's per-user config directory.
func StateDir() (string, error) {
	if d := os.Getenv("TUBES_STATE_DIR"); d != "" {
		return d, nil
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" {
		if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
			return filepath.Join(d, "tubes"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "state", "tubes"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "tubes"), nil
}

// maxProgressBytes bounds the progress file: a real one is a few KiB.
const maxProgressBytes = 1 << 20

// OpenStore opens the progress file in dir. A missing file is empty
// progress. A file that is not progress (damaged JSON, larger than any
// progress file, a directory, FIFO or device) is moved aside; warning then
// says where. It is opened as a regular file only and read with a cap, so
// nothing put at its path can hang or flood the start.
func OpenStore(dir string) (s *Store, p Progress, warning string, err error) {
	s = &Store{path: filepath.Join(dir, "progress.json")}
	raw, err := readProgress(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, Progress{}, "", nil
	case errors.Is(err, netcore.ErrNotRegular), errors.Is(err, netcore.ErrTooLarge):
	case err != nil:
		return nil, Progress{}, "", err // the caller names the file
	case json.Unmarshal(raw, &p) == nil:
		return s, p, "", nil
	}
	aside, rerr := setAside(s.path)
	if rerr != nil {
		return nil, Progress{}, "", &AsideError{s.path, rerr}
	}
	return s, Progress{}, aside, nil
}

// AsideError is a damaged progress file at Path that could not be moved
// aside, and why. Its words are the command line's, which names the file.
type AsideError struct {
	Path string
	Err  error
}

// Error is for a log: the key of the words, the path and the cause.
func (e *AsideError) Error() string { return "err.progress.aside " + e.Path + ": " + e.Err.Error() }
func (e *AsideError) Unwrap() error { return e.Err }

// readProgress reads the file if it is a regular file within the cap.
func readProgress(path string) ([]byte, error) {
	f, err := netcore.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return netcore.ReadCapped(f, maxProgressBytes)
}

// setAside renames a damaged file to a name no earlier damaged file has.
func setAside(path string) (string, error) {
	stamp := time.Now().Format("20060102-150405")
	for n := 0; ; n++ {
		aside := path + ".damaged-" + stamp
		if n > 0 {
			aside += fmt.Sprintf("-%d", n)
		}
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			return aside, os.Rename(path, aside)
		} else if n > 1000 {
			return "", &fs.PathError{Op: "rename", Path: aside, Err: fs.ErrExist} // every name is taken
		}
	}
}

// Path is the progress file's location.
func (s *Store) Path() string { return s.path }

// Save writes p to a temporary file and renames it over the old one, so a
// crash leaves either the old progress or the new, never half of it.
// Saves run off the UI goroutine and may finish out of order: version says
// which snapshot is newer, and an older one is dropped.
func (s *Store) Save(p Progress, version uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version < s.written {
		return nil
	}
	s.written = version
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), "progress-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}
