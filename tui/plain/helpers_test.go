package plain

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// syncBuf is Out for a test: Run writes while the test reads.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rig runs plain.Run against a real server on a free loopback port, with
// a pipe for stdin and a progress store in a temporary state directory.
type rig struct {
	course *lessons.Course
	ui     map[string]string
	server *netcore.Server
	dir    string
	in     *io.PipeWriter
	out    *syncBuf
	done   chan error
	seen   int // output before this offset was already matched
}

func start(t *testing.T, lang, lesson string, step int) *rig {
	t.Helper()
	course, err := lessons.Load(lang)
	if err != nil {
		t.Fatal(err)
	}
	li := course.Find(lesson)
	if li < 0 {
		t.Fatalf("no lesson %q", lesson)
	}
	inbox := netcore.NewInbox(20000)
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	server, err := netcore.Listen(cfg, course.Lessons[li].Steps[step].Behavior, inbox)
	if err != nil {
		t.Fatal(err)
	}
	client := netcore.NewClient(inbox)
	dir := t.TempDir()
	store, progress, _, err := lessons.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	progress.Lesson, progress.Step = lesson, step
	pr, pw := io.Pipe()
	r := &rig{course: course, ui: lessons.UIStrings(lang), server: server, dir: dir, in: pw, out: &syncBuf{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		r.done <- Run(ctx, Config{Course: course, Store: store, Progress: progress, Server: server, Client: client,
			Inbox: inbox, Addr: lessons.Address{Host: server.Host(), Port: server.Port()}, In: pr, Out: r.out})
	}()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after its context ended")
		}
		client.CloseAll()
		sctx, scancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer scancel()
		_ = server.Shutdown(sctx)
	})
	return r
}

// send types one line.
func (r *rig) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(r.in, line+"\n"); err != nil {
		t.Fatalf("writing %q to stdin: %v", line, err)
	}
}

// waitFor waits until want appears in the output after what earlier
// waits matched, and moves past it.
func (r *rig) waitFor(t *testing.T, want string) {
	t.Helper()
	r.waitWithin(t, want, 10*time.Second)
}

// waitWithin is waitFor with its own bound: a check of a learner's server
// takes longer than a step's action.
func (r *rig) waitWithin(t *testing.T, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out := r.out.String()
		if i := strings.Index(out[r.seen:], want); i >= 0 {
			r.seen += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output after offset %d; output:\n%s", want, r.seen, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// finish waits for Run to return.
func (r *rig) finish(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Run did not return; output:\n%s", r.out.String())
		return nil
	}
}

func (r *rig) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())) }

// header is the step header as Run prints it.
func (r *rig) header(lesson string, step int) string {
	li := r.course.Find(lesson)
	l := r.course.Lessons[li]
	return fmt.Sprintf(r.ui["plain.header"], li+1, len(r.course.Lessons), l.Title, step+1, len(l.Steps), l.Steps[step].Title)
}

// checkSafe fails on any byte a terminal could act on: ESC and every other
// control but the line feed, C1 controls, bidi controls, invalid UTF-8.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	if i := strings.IndexByte(out, 0x1b); i >= 0 {
		t.Fatalf("ESC in the output at %d: %q", i, around(out, i))
	}
	for i, c := range out {
		switch {
		case c == '\n':
		case c < 0x20 || c == 0x7f:
			t.Fatalf("control byte %#x in the output at %d: %q", c, i, around(out, i))
		case c >= 0x80 && c <= 0x9f:
			t.Fatalf("C1 control %U in the output at %d", c, i)
		case c == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"): // a real U+FFFD is text (content-length shows one)
			t.Fatalf("invalid UTF-8 in the output at %d: %q", i, around(out, i))
		case (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c:
			t.Fatalf("bidi control %U in the output at %d", c, i)
		}
	}
}

func around(s string, i int) string { return s[max(0, i-30):min(len(s), i+30)] }
