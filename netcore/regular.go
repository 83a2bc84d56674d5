package netcore

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by OpenRegular's error when a path names a
// directory, a FIFO, a device or a socket instead of a plain file.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens path for reading only if it is a regular file (a
// symlink to one is fine). It looks before it opens, so a device is never
// opened, and opens without blocking, so a FIFO put there after the look
// cannot hang it; what it opened is checked again.
func OpenRegular(path string) (*os.File, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, notRegular(path, before.Mode())
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !after.Mode().IsRegular() || !os.SameFile(before, after) {
		f.Close()
		return nil, notRegular(path, after.Mode())
	}
	return f, nil
}

// ErrTooLarge is wrapped by ReadCapped's error when there is more to read
// than its limit.
var ErrTooLarge = errors.New("too large")

// ReadCapped reads all of r, or fails if there is more than limit bytes.
func ReadCapped(r io.Reader, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, &PhraseError{Phrase{"srv.file.large", []any{FormatSize(limit)}}, ErrTooLarge}
	}
	return raw, nil
}

// notRegular says what path is instead of a regular file (keys
// srv.file.*), the path escaped.
func notRegular(path string, m fs.FileMode) error {
	key := "srv.file.special"
	switch {
	case m.IsDir():
		key = "srv.file.dir"
	case m&fs.ModeNamedPipe != 0:
		key = "srv.file.fifo"
	case m&fs.ModeDevice != 0:
		key = "srv.file.device"
	case m&fs.ModeSocket != 0:
		key = "srv.file.socket"
	}
	return &PhraseError{Phrase{key, []any{Escape([]byte(path))}}, ErrNotRegular}
}
