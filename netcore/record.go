package netcore

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// Tee hands every event to each of its sinks.
type Tee []Sink

func (t Tee) Push(e Event) {
	for _, s := range t {
		s.Push(e)
	}
}

// DefaultRecordMax is the size at which a recording stops (--record-max).
const DefaultRecordMax = 256 << 20

// Recorder writes events as JSON lines (the --json format) to a file. Push
// never blocks a network goroutine: events wait in a bounded queue for the
// writer goroutine, and what does not fit is counted as dropped. Past its
// size cap it writes nothing more and counts every further event as
// dropped.
type Recorder struct {
	queue   chan Event
	max     int64 // 0: no cap
	written atomic.Int64
	dropped atomic.Uint64
	full    atomic.Bool
	done    chan struct{}
	file    *os.File // closed by Close when the recorder owns it

	mu  sync.Mutex
	err error
}

// RecorderState is what a status line shows about a recording.
type RecorderState struct {
	Written int64  // bytes in the file
	Max     int64  // the cap; 0 for none
	Dropped uint64 // events not in the file: too fast, past the cap, or after a write error
	Full    bool   // the cap was reached and recording stopped
	Err     error  // the write error that stopped recording, if any
}

// NewRecorder starts writing to w, without a size cap; Close flushes and
// stops. The caller keeps w and closes it after Close.
func NewRecorder(w io.Writer) *Recorder { return newRecorder(w, 0) }

// CreateRecording creates the recording file at path, mode 0600, and a
// recorder that stops at limit bytes (0: no cap) and closes the file on
// Close. It never follows a symlink at path and never writes into a FIFO,
// device or directory: each is refused with a one-line error, in words by
// key (a symlink's and a swapped file's say why without the path, which
// the caller names). A regular file already there is emptied and made
// 0600, as --record always replaced an earlier recording of the same name.
func CreateRecording(path string, limit int64) (*Recorder, error) {
	f, err := createNoFollow(path)
	if errors.Is(err, fs.ErrExist) {
		f, err = reuseRegular(path)
	}
	if err != nil {
		return nil, err
	}
	r := newRecorder(f, limit)
	r.file = f
	return r, nil
}

// reuseRegular opens an existing regular file at path for a new recording.
func reuseRegular(path string) (*os.File, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if before.Mode()&fs.ModeSymlink != 0 {
		return nil, &PhraseError{Phrase{Key: "srv.record.symlink"}, nil}
	}
	if !before.Mode().IsRegular() {
		return nil, notRegular(path, before.Mode())
	}
	f, err := openExistingNoFollow(path)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err == nil && (!after.Mode().IsRegular() || !os.SameFile(before, after)) {
		err = &PhraseError{Phrase{Key: "srv.record.changed"}, nil}
	}
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func newRecorder(w io.Writer, limit int64) *Recorder {
	r := &Recorder{queue: make(chan Event, 8192), max: limit, done: make(chan struct{})}
	go r.write(w)
	return r
}

func (r *Recorder) write(w io.Writer) {
	defer close(r.done)
	bw := bufio.NewWriter(w)
	var failed error
	for e := range r.queue {
		if failed != nil || r.full.Load() {
			r.dropped.Add(1)
			continue
		}
		line := JSONLine(e) + "\n"
		if r.max > 0 && r.written.Load()+int64(len(line)) > r.max {
			r.full.Store(true)
			r.dropped.Add(1)
			failed = bw.Flush()
		} else if _, failed = bw.WriteString(line); failed == nil {
			r.written.Add(int64(len(line)))
		}
		if len(r.queue) == 0 && failed == nil {
			failed = bw.Flush() // keep the file current between bursts
		}
		if failed != nil {
			r.setErr(failed)
		}
	}
	if failed == nil {
		r.setErr(bw.Flush())
	}
}

func (r *Recorder) setErr(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}

func (r *Recorder) Push(e Event) {
	if r.full.Load() {
		r.dropped.Add(1)
		return
	}
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
}

// State reports how the recording goes; it is safe to call at any time.
func (r *Recorder) State() RecorderState {
	r.mu.Lock()
	err := r.err
	r.mu.Unlock()
	return RecorderState{Written: r.written.Load(), Max: r.max, Dropped: r.dropped.Load(), Full: r.full.Load(), Err: err}
}

// Close waits for the queue to be written, closes the file if the
// recorder created it, and reports a write error and how many events are
// not in the file.
func (r *Recorder) Close() (dropped uint64, err error) {
	close(r.queue)
	<-r.done
	if r.file != nil {
		r.setErr(r.file.Close())
	}
	return r.dropped.Load(), r.State().Err
}
