package behaviors

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The HTTP behaviors write their responses by hand, one write each, so the
// bytes pane shows a whole response as one block.

// respond writes one response. length < 0 leaves Content-Length out.
func respond(c *netcore.Conn, status int, headers [][2]string, body []byte, length int, closing bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if length >= 0 {
		b.WriteString("Content-Length: " + strconv.Itoa(length) + "\r\n")
	}
	if closing {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	_, err := c.Write([]byte(b.String()))
	return err
}

var plainText = [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}

// finish closes our side politely: FIN first, then read what the client
// still sends, so it is never reset before it read the response.
func finish(c *netcore.Conn) {
	_ = c.CloseWrite()
	c.DrainFor(2 * time.Second)
}

// refuse answers a request the parser rejected and ends the connection.
// The parser's reason goes in the body, in the server's words (the
// learner's language), and, so the events pane shows it without scrolling
// through the bytes, in a note.
func refuse(c *netcore.Conn, err error) {
	var pe *httpwire.ParseError
	if errors.As(err, &pe) {
		c.Say(say("srv.refused", pe.Status, http.StatusText(pe.Status), pe.Reason))
		body := pe.Reason.Say(c.Words()) + "\n"
		_ = respond(c, pe.Status, plainText, []byte(body), len(body), true)
		finish(c)
	}
}

// say is a Phrase: key and the values for its words.
func say(key string, args ...any) netcore.Phrase { return netcore.Phrase{Key: key, Args: args} }

// HTTPText answers every request with Body and a Content-Length of Length
// (a negative Length counts the body's bytes, as it should). With KeepOpen
// it does not close after answering: a client told to expect more bytes
// than came waits until the idle timeout ends the connection. ContentType
// replaces text/plain; charset=utf-8, to show what a client does when the
// charset is missing.
type HTTPText struct {
	Body        string
	Length      int
	KeepOpen    bool
	Idle        time.Duration
	ContentType string
}

func (b HTTPText) Name() string {
	switch {
	case b.Length < 0 || b.Length == len(b.Body):
		return "http-text"
	case b.Length < len(b.Body):
		return "http-text (length too short)"
	}
	return "http-text (length too long)"
}

func (b HTTPText) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	if _, err := readRequest(c, &buf); err != nil {
		refuse(c, err)
		return
	}
	length := b.Length
	if length < 0 {
		length = len(b.Body)
	}
	headers := plainText
	if b.ContentType != "" {
		headers = [][2]string{{"Content-Type", b.ContentType}}
	}
	if err := respond(c, 200, headers, []byte(b.Body), length, !b.KeepOpen); err != nil {
		return
	}
	if !b.KeepOpen {
		finish(c)
		return
	}
	readUntilIdle(c)
}

// readUntilIdle keeps the connection open, reading whatever comes, until
// the client closes it or the idle timeout does.
func readUntilIdle(c *netcore.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// HTTPEcho parses each request strictly and answers with a page that
// describes it: the request line, every header, and the body.
type HTTPEcho struct{ Idle time.Duration }

func (HTTPEcho) Name() string { return "http-echo" }

func (b HTTPEcho) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	_ = respond(c, 200, plainText, []byte(DescribeRequest(req)), len(DescribeRequest(req)), true)
	finish(c)
}

// DescribeRequest is the page HTTPEcho sends back. Body bytes are escaped:
// they came from the network.
func DescribeRequest(r *httpwire.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You sent a %s request for %s using %s.\n\n", r.Method, r.Target, r.Version)
	fmt.Fprintf(&b, "Headers (%d):\n", len(r.Headers))
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, netcore.Escape([]byte(h.Value)))
	}
	fmt.Fprintf(&b, "\nBody: %d bytes\n", r.BodyLen)
	if len(r.Body) > 0 {
		b.WriteString(netcore.Escape(r.Body) + "\n")
	}
	if len(r.Body) < r.BodyLen {
		fmt.Fprintf(&b, "(only the first %d bytes are shown)\n", len(r.Body))
	}
	return b.String()
}

// Router picks a handler by method and path.
//
//	GET  /      a welcome text
//	GET  /time  the time
//	POST /echo  the request body, sent back
//
// A known path with another method gets 405 and an Allow header; any other
// path gets 404. HEAD is answered like GET, without the body.
type Router struct{ Idle time.Duration }

func (Router) Name() string { return "router" }

func (b Router) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	status, headers, body := route(req)
	length := len(body)
	if req.Method == "HEAD" {
		body = nil
	}
	_ = respond(c, status, headers, body, length, true)
	finish(c)
}

func route(r *httpwire.Request) (int, [][2]string, []byte) {
	path, _, _ := strings.Cut(r.Target, "?")
	get := r.Method == "GET" || r.Method == "HEAD"
	switch {
	case path == "/" && get:
		return 200, plainText, []byte("Welcome to the router!\nTry GET /time, or POST something to /echo.\n")
	case path == "/time" && get:
		return 200, plainText, []byte(time.Now().UTC().Format(time.RFC3339) + "\n")
	case path == "/echo" && r.Method == "POST":
		ct, ok := r.Get("Content-Type")
		if !ok {
			ct = "application/octet-stream"
		}
		headers := [][2]string{{"Content-Type", ct}}
		if len(r.Body) < r.BodyLen {
			// Only a prefix of a long body is kept: say how much came back.
			headers = append(headers, [2]string{"X-Echo-Kept", fmt.Sprintf("%d of %d bytes", len(r.Body), r.BodyLen)})
		}
		return 200, headers, r.Body
	case path == "/" || path == "/time":
		return notAllowed(r, path, "GET, HEAD")
	case path == "/echo":
		return notAllowed(r, path, "POST")
	}
	return 404, plainText, []byte(fmt.Sprintf("404: there is no route for %s %s\n", r.Method, netcore.Escape([]byte(path))))
}

func notAllowed(r *httpwire.Request, path, allow string) (int, [][2]string, []byte) {
	body := fmt.Sprintf("405: %s answers %s, not %s\n", path, allow, r.Method)
	return 405, append([][2]string{{"Allow", allow}}, plainText...), []byte(body)
}

// SlowHello waits Delay before it answers, like a handler doing slow work.
// With OneByOne the server serves one connection at a time.
type SlowHello struct {
	Delay    time.Duration
	OneByOne bool
	Idle     time.Duration
}

func (b SlowHello) Name() string {
	if b.OneByOne {
		return "slow-hello (one at a time)"
	}
	return "slow-hello (goroutine each)"
}

func (b SlowHello) OneAtATime() bool { return b.OneByOne }

func (b SlowHello) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	if _, err := readRequest(c, &buf); err != nil {
		refuse(c, err)
		return
	}
	time.Sleep(b.Delay)
	body := fmt.Sprintf("Hello after a %s wait! (connection #%d)\n", netcore.ShortDuration(b.Delay), c.ID())
	_ = respond(c, 200, plainText, []byte(body), len(body), true)
	finish(c)
}

// KeepAlive serves request after request on one connection, each answer
// with its length, until the client asks to close or goes quiet. With
// NoLength it leaves Content-Length out, and the client cannot tell where
// the body ends until the connection closes.
type KeepAlive struct {
	Idle     time.Duration
	NoLength bool
}

func (b KeepAlive) Name() string {
	if b.NoLength {
		return "keep-alive (no length)"
	}
	return "keep-alive"
}

func (b KeepAlive) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	for n := 1; ; n++ {
		req, err := readRequest(c, &buf)
		if err != nil {
			refuse(c, err)
			return
		}
		body := fmt.Sprintf("Hello! This is response #%d on connection #%d.\n", n, c.ID())
		length := len(body)
		if b.NoLength {
			length = -1
		}
		if err := respond(c, 200, plainText, []byte(body), length, req.Close); err != nil {
			return
		}
		if req.Close {
			finish(c)
			return
		}
		if b.NoLength {
			// Nothing after this response could be told apart from it.
			readUntilIdle(c)
			return
		}
	}
}

// Guarded is an HTTP server with the defenses of the timeouts lesson: an
// idle timeout, a limit on the time a request header may take, and a
// connection limit.
type Guarded struct {
	Idle          time.Duration
	HeaderTimeout time.Duration
	Limit         int
}

func (Guarded) Name() string { return "guarded" }

func (b Guarded) ConnLimit() int { return b.Limit }

func (b Guarded) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	if b.HeaderTimeout > 0 {
		c.SetHeaderTimeout(b.HeaderTimeout)
	}
	var buf []byte
	if _, err := readRequest(c, &buf); err != nil {
		refuse(c, err)
		return
	}
	c.HeaderDone()
	body := "Hello! Your request arrived in time.\n"
	_ = respond(c, 200, plainText, []byte(body), len(body), true)
	finish(c)
}

// readRequest reads one request with the server's header limits. Bodies
// are streamed: a connection holds its header and the body's first
// httpwire.Limits.KeepBody bytes (16 KiB), however long the body.
func readRequest(c *netcore.Conn, buf *[]byte) (*httpwire.Request, error) {
	lim := httpwire.Limits{MaxHeaderBytes: c.StartHeader()}
	req, err := httpwire.ReadRequest(c, buf, lim)
	c.HeaderDone()
	return req, err
}
