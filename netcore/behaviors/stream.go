package behaviors

import (
	"bytes"
	"fmt"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// HangUp accepts, stays silent for After, then closes: the server is the
// side that ends the connection.
type HangUp struct{ After time.Duration }

func (HangUp) Name() string { return "hang-up" }

func (b HangUp) Serve(c *netcore.Conn) {
	buf := make([]byte, 4096)
	deadline := time.Now().Add(b.After)
	for left := b.After; left > 0; left = time.Until(deadline) {
		c.SetIdle(left)
		if _, err := c.Read(buf); err != nil {
			// Our own timer ran out: the server chose to close, whatever
			// the client sent meanwhile. (The server's idle cap, if
			// shorter, ends it earlier, and that is an idle close.)
			if time.Until(deadline) <= 0 {
				c.IdleWasMine()
			}
			return
		}
	}
}

// ReadLater waits Delay before each read, so several writes of the client
// pile up in the kernel's buffer and arrive as one read. It answers each
// read with how many bytes it got.
type ReadLater struct {
	Delay time.Duration
	Idle  time.Duration
}

func (ReadLater) Name() string { return "read-later" }

func (b ReadLater) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	for {
		time.Sleep(b.Delay)
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := fmt.Fprintf(c, "read %d bytes\n", n); err != nil {
			return
		}
	}
}

// SmallReads reads into a tiny buffer, so one write of the client takes
// many reads. It never answers.
type SmallReads struct {
	Buf  int
	Idle time.Duration
}

func (SmallReads) Name() string { return "small-reads" }

func (b SmallReads) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, max(1, b.Buf))
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// MaxLine bounds LineEcho's buffer: a line longer than this is refused.
const MaxLine = 1024

// LineEcho frames the stream with newlines: it keeps bytes until a "\n"
// and answers each complete line, however the reads split them.
type LineEcho struct{ Idle time.Duration }

func (LineEcho) Name() string { return "line-echo" }

func (b LineEcho) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	buf := make([]byte, 4096)
	var pending []byte
	lines := 0
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		pending = append(pending, buf[:n]...)
		for {
			end := bytes.IndexByte(pending, '\n')
			if end < 0 {
				break
			}
			lines++
			line := bytes.TrimSuffix(pending[:end], []byte("\r"))
			if _, err := fmt.Fprintf(c, "line %d: %s\n", lines, line); err != nil {
				return
			}
			pending = pending[end+1:]
		}
		if len(pending) > MaxLine {
			_, _ = fmt.Fprintf(c, "error: a line longer than %d bytes\n", MaxLine)
			return
		}
	}
}
