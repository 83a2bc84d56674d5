package behaviors

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// WebSocketPath is where the lesson's page opens its WebSocket.
const WebSocketPath = "/ws"

// WebSocket serves Page at / and upgrades GET /ws to a WebSocket by hand
// (RFC 6455). Once upgraded, the server echoes every message, answers
// pings, sends "tick N" every Tick whatever the client does (both sides
// talk at once: full duplex), and answers a close frame with a close
// frame carrying the same code. Frames that break the rules end the
// connection with the close code the RFC names. Notes show the accept
// key's computation and every frame's header.
type WebSocket struct {
	Page []byte        // the HTML page at /, with its client in plain JS
	Tick time.Duration // between ticks; 0: one second
	Idle time.Duration
}

func (WebSocket) Name() string { return "websocket" }

func (b WebSocket) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	path, _, _ := strings.Cut(req.Target, "?")
	switch {
	case path == "/" && req.Method == "GET" && b.Page != nil:
		_ = respond(c, 200, [][2]string{{"Content-Type", "text/html; charset=utf-8"}}, b.Page, len(b.Page), true)
	case path != WebSocketPath:
		body := "404: the page is at / and the WebSocket at " + WebSocketPath + "\n"
		_ = respond(c, 404, plainText, []byte(body), len(body), true)
	default:
		if status, why := upgradeProblem(req); status != 0 {
			h := plainText
			if status == 426 {
				h = append([][2]string{{"Sec-WebSocket-Version", "13"}}, plainText...)
			}
			body := why.Say(c.Words()) + "\n"
			_ = respond(c, status, h, []byte(body), len(body), true)
			break
		}
		key, _ := req.Get("Sec-WebSocket-Key")
		accept := AcceptKey(key)
		sum := sha1.Sum([]byte(key + WebSocketGUID))
		c.Say(say("srv.ws.sha1", key, WebSocketGUID, sum))
		c.Say(say("srv.ws.accept", accept))
		head := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n"
		if _, err := c.Write([]byte(head)); err != nil {
			return
		}
		// Bytes that came right after the request head are frames already.
		ws := &wsConn{c: c, in: append([]byte(nil), buf...)}
		ws.run(b.tick())
	}
	finish(c)
}

func (b WebSocket) tick() time.Duration {
	if b.Tick > 0 {
		return b.Tick
	}
	return time.Second
}

// upgradeProblem says why a request is not a WebSocket handshake: the
// status to answer and the reason, or 0.
func upgradeProblem(r *httpwire.Request) (int, netcore.Phrase) {
	key, _ := r.Get("Sec-WebSocket-Key")
	up, _ := r.Get("Upgrade")
	conn, _ := r.Get("Connection")
	ver, _ := r.Get("Sec-WebSocket-Version")
	switch {
	case r.Method != "GET" || r.Version != "HTTP/1.1":
		return 400, say("srv.ws.up.get")
	case !hasToken(up, "websocket") || !hasToken(conn, "upgrade"):
		return 426, say("srv.ws.up.upgrade")
	case strings.TrimSpace(ver) != "13":
		return 426, say("srv.ws.up.version")
	case !ValidKey(key):
		return 400, say("srv.ws.up.key")
	}
	return 0, netcore.Phrase{}
}

// hasToken: a comma-separated header value holds token (any case).
func hasToken(v, token string) bool {
	for _, t := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// wsConn is one upgraded connection: a reader loop, and a ticker that
// writes at the same time; writes take turns.
type wsConn struct {
	c    *netcore.Conn
	in   []byte // read but not yet parsed
	mu   sync.Mutex
	shut bool // a close frame went out: nothing more may follow it
}

func (ws *wsConn) run(every time.Duration) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { ws.ticks(every, stop) })
	defer wg.Wait()
	defer close(stop)
	ws.readLoop()
}

func (ws *wsConn) ticks(every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		case <-ws.c.Aborted():
			return
		case <-t.C:
			if ws.send(OpText, []byte("tick "+strconv.Itoa(n))) != nil {
				return
			}
		}
	}
}

// send writes one unmasked frame and notes it. After a close frame it
// sends nothing.
func (ws *wsConn) send(op byte, p []byte) error {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.shut {
		return errors.New("closed")
	}
	ws.shut = op == OpClose
	frame := AppendFrame(nil, true, op, nil, p)
	f, _, _ := ParseFrame(frame, MaxFramePayload)
	ws.c.Say(f.Describe(false))
	_, err := ws.c.Write(frame)
	return err
}

func (ws *wsConn) fail(err error) {
	var fe *FrameError
	if errors.As(err, &fe) {
		ws.c.Say(say("srv.ws.closing", fe.Code, fe.Reason))
		_ = ws.send(OpClose, ClosePayload(fe.Code, CloseReason(fe.Reason, ws.c.Words())))
	}
}

// readLoop reads frames until a close, a broken rule or the connection's
// end. Fragmented messages are put together, up to MaxFramePayload.
func (ws *wsConn) readLoop() {
	var msg []byte
	var msgOp byte // the opcode of the message being put together; 0: none
	for {
		f, err := ws.next()
		if err != nil {
			if errors.Is(err, errIdleClose) {
				_ = ws.send(OpClose, ClosePayload(CloseGoingAway, CloseReason(say("srv.ws.idle"), ws.c.Words())))
			}
			ws.fail(err)
			return
		}
		ws.c.Say(f.Describe(true))
		if err := f.Check(); err != nil {
			ws.fail(err)
			return
		}
		switch f.Opcode {
		case OpPing:
			if ws.send(OpPong, f.Payload) != nil {
				return
			}
			continue
		case OpPong:
			continue
		case OpClose:
			code, reason, err := ParseClose(f.Payload)
			if err != nil {
				ws.fail(err)
				return
			}
			ws.c.Say(say("srv.ws.clientclose", code, fmt.Sprintf("%q", reason)))
			var p []byte
			if code != 0 {
				p = ClosePayload(code, "")
			}
			_ = ws.send(OpClose, p)
			return
		case OpContinuation:
			if msgOp == 0 {
				ws.fail(frameErr(CloseProtocol, "srv.ws.err.nomessage"))
				return
			}
		default:
			if msgOp != 0 {
				ws.fail(frameErr(CloseProtocol, "srv.ws.err.interleaved"))
				return
			}
			msgOp = f.Opcode
		}
		if len(msg)+len(f.Payload) > MaxFramePayload {
			ws.fail(frameErr(CloseTooBig, "srv.ws.err.message", MaxFramePayload))
			return
		}
		msg = append(msg, f.Payload...)
		if !f.FIN {
			continue
		}
		if msgOp == OpText && !utf8.Valid(msg) {
			ws.fail(frameErr(CloseBadData, "srv.ws.err.textutf8"))
			return
		}
		if ws.send(msgOp, msg) != nil { // the echo
			return
		}
		msg, msgOp = nil, 0
	}
}

var errIdleClose = errors.New("the client was silent too long")

// next returns the next whole frame, reading as needed; at most one
// frame's worth is ever held.
func (ws *wsConn) next() (Frame, error) {
	buf := make([]byte, 4096)
	for {
		f, n, err := ParseFrame(ws.in, MaxFramePayload)
		if err == nil {
			ws.in = ws.in[n:]
			return f, nil
		}
		if !errors.Is(err, ErrFrameIncomplete) {
			return f, err
		}
		m, rerr := ws.c.Read(buf)
		ws.in = append(ws.in, buf[:m]...)
		if rerr != nil {
			if isTimeout(rerr) {
				return f, errIdleClose
			}
			return f, rerr
		}
	}
}

func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
