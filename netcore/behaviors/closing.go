package behaviors

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// The servers of the closing lesson: how each side says it is done, and
// what the kernel keeps afterwards.

// CountAtEOF reads until the client's end-of-file (its FIN) and only then
// answers, with how many bytes and lines came, like wc. A client that
// half-closes (shutdown of its write side, as nc -N does) gets the answer;
// one that waits for it first waits forever, and one that closed for good
// answers it with a reset.
type CountAtEOF struct{ Idle time.Duration }

func (CountAtEOF) Name() string { return "count-at-eof" }

func (b CountAtEOF) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	total, lines := 0, 0
	for {
		n, err := c.Read(buf)
		total += n
		lines += bytes.Count(buf[:n], []byte("\n"))
		if errors.Is(err, io.EOF) {
			break // the client is done sending: now answer
		}
		if err != nil {
			return
		}
	}
	if _, err := fmt.Fprintf(c, "%d bytes, %d lines\n", total, lines); err != nil {
		return
	}
	// A client that closed for good (not half-closed) answers with a
	// reset; on loopback it is back within microseconds. Wait a moment so
	// the close says reset, not peer.
	time.Sleep(50 * time.Millisecond)
	finish(c)
}

// CloseFirst answers the first read with "bye\n" and closes at once: the
// server closes first, so its side of the connection stays in TIME_WAIT
// after the client closes too. It reports that state where it can.
type CloseFirst struct{ Idle time.Duration }

func (CloseFirst) Name() string { return "closes-first" }

// StateWatch bounds how long CloseFirst watches its closed socket's
// state: a client may keep its end open (nc waits for Ctrl+C).
const StateWatch = 30 * time.Second

// ByeReply is what CloseFirst answers.
var ByeReply = []byte("bye\n")

func (b CloseFirst) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	if _, err := c.Write(ByeReply); err != nil {
		return
	}
	_ = c.Close()
	// FIN_WAIT2 while the client has not closed yet, then TIME_WAIT.
	c.NoteState(StateWatch, "TIME_WAIT")
}

// CloseUnread reads only the first 16 bytes of a request, answers with a
// whole HTTP response and closes without reading the rest: the kernel
// resets the connection, and the client may lose the response.
type CloseUnread struct{ Idle time.Duration }

func (CloseUnread) Name() string { return "close-unread" }

func (b CloseUnread) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 16)
	if _, err := c.Read(buf); err != nil {
		return
	}
	// Let the rest of the request arrive, so it is surely there unread.
	time.Sleep(100 * time.Millisecond)
	body := "This answer may never be read.\n"
	if err := respond(c, 200, plainText, []byte(body), len(body), true); err != nil {
		return
	}
	_ = c.CloseUnread()
}

// ForgetsClose reads until the client closes and then never closes its own
// side: the connection sits in CLOSE_WAIT, holding its slot, until Hold
// passes. It reports the state where it can.
type ForgetsClose struct{ Hold time.Duration }

func (ForgetsClose) Name() string { return "forgets-to-close" }

func (b ForgetsClose) Serve(c *netcore.Conn) {
	c.SetIdle(b.Hold)
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	c.NoteState(2*time.Second, "CLOSE_WAIT")
	// The bug: no close here. The server closes it only after Hold.
	t := time.NewTimer(b.Hold)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.Aborted():
	}
}
