package probe

import (
	"bytes"
	"sync"
)

// A started server's output is kept in a ring: the last tailLines lines,
// at most tailBytes bytes, so a chatty server cannot fill memory.
const (
	tailLines = 64
	tailBytes = 16 << 10
)

// tailBuffer keeps the end of what is written to it.
type tailBuffer struct {
	mu       sync.Mutex
	lines    [][]byte // whole lines, oldest first
	size     int
	partial  []byte // the line being written
	maxLines int
	maxBytes int
}

func newTailBuffer(lines, bytes int) *tailBuffer {
	return &tailBuffer{maxLines: lines, maxBytes: bytes}
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			t.partial = append(t.partial, b...)
			if len(t.partial) > t.maxBytes {
				t.partial = append(t.partial[:0:0], t.partial[len(t.partial)-t.maxBytes:]...)
			}
			break
		}
		t.push(append(t.partial, b[:i]...))
		t.partial, b = nil, b[i+1:]
	}
	return n, nil
}

func (t *tailBuffer) push(line []byte) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > t.maxBytes {
		line = line[len(line)-t.maxBytes:]
	}
	t.lines = append(t.lines, line)
	t.size += len(line)
	for len(t.lines) > t.maxLines || t.size > t.maxBytes {
		t.size -= len(t.lines[0])
		t.lines = t.lines[1:]
	}
}

// Lines is the kept lines, with an unfinished last line.
func (t *tailBuffer) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, l := range t.lines {
		out = append(out, string(l))
	}
	if len(t.partial) > 0 {
		out = append(out, string(t.partial))
	}
	return out
}
