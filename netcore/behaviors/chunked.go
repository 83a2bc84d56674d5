package behaviors

import (
	"fmt"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// The servers of the chunked lesson.

// ChunkLines are the chunks Chunked streams, one write each.
var ChunkLines = []string{"one\n", "two\n", "three\n", "four\n", "five, and that is all\n"}

// chunkedHead starts a chunked response.
const chunkedHead = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Transfer-Encoding: chunked\r\n" +
	"Connection: close\r\n" +
	"\r\n"

// Chunked streams a GET's answer as chunks, one every Pause, each written
// as "size in hex\r\n", the bytes, "\r\n", and ends with the 0 chunk. A
// request with a body (chunked or not) is answered with what it decoded.
type Chunked struct {
	Pause time.Duration
	Idle  time.Duration
}

func (Chunked) Name() string { return "chunked" }

func (b Chunked) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	if req.BodyLen > 0 || req.Chunked {
		body := fmt.Sprintf("You sent %d bytes", req.BodyLen)
		if req.Chunked {
			body += fmt.Sprintf(" in %d chunks (the last one of size 0)", req.Chunks)
		}
		body += ":\n" + netcore.Escape(req.Body) + "\n"
		_ = respond(c, 200, plainText, []byte(body), len(body), true)
		finish(c)
		return
	}
	if _, err := c.Write([]byte(chunkedHead)); err != nil {
		return
	}
	for _, line := range ChunkLines {
		time.Sleep(b.Pause)
		if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(line), line); err != nil {
			return
		}
	}
	if _, err := c.Write([]byte("0\r\n\r\n")); err != nil {
		return
	}
	finish(c)
}

// ChunkWrong sends Body as one chunk whose size line says Size. Too small,
// and the bytes after Size are where the client wants the chunk's CRLF;
// too large, and the client waits for bytes that never come, until the
// idle timeout closes the connection (so the 0 chunk is not sent).
type ChunkWrong struct {
	Body string
	Size int
	Idle time.Duration
}

func (b ChunkWrong) Name() string {
	if b.Size < len(b.Body) {
		return "chunked (size too small)"
	}
	return "chunked (size too large)"
}

func (b ChunkWrong) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	if _, err := readRequest(c, &buf); err != nil {
		refuse(c, err)
		return
	}
	var w strings.Builder
	w.WriteString(chunkedHead)
	fmt.Fprintf(&w, "%x\r\n%s\r\n", b.Size, b.Body)
	if b.Size < len(b.Body) {
		w.WriteString("0\r\n\r\n")
	}
	if _, err := c.Write([]byte(w.String())); err != nil {
		return
	}
	if b.Size < len(b.Body) {
		finish(c)
		return
	}
	readUntilIdle(c)
}
