// websocket is the server of the websocket lesson: a hand-written
// WebSocket (RFC 6455) with no library. GET / serves a page whose script
// connects to /ws; the upgrade's Sec-WebSocket-Accept is computed here;
// then the server echoes every message, sends "tick N" every second,
// and answers a close frame with one. Frames from a client must be
// masked and at most 64 KiB; a broken rule closes with its code.
//
//	go run ./assets/examples/websocket
//	open http://localhost:3001/
package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

const (
	guid       = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" // fixed by RFC 6455
	maxPayload = 64 << 10
	idle       = 60 * time.Second
)

const page = `<!doctype html><meta charset="utf-8"><title>WebSocket</title>
<p id="state">connecting…</p><form id="f"><input id="m" autofocus> <button>Send</button>
<button type="button" id="c">Close</button></form><pre id="log"></pre>
<script>
const ws = new WebSocket('ws://' + location.host + '/ws');
const log = (t) => { document.getElementById('log').textContent += t + '\n'; };
ws.onopen = () => { document.getElementById('state').textContent = 'open'; ws.send('Hello from the browser!'); };
ws.onmessage = (e) => log('← ' + e.data);
ws.onclose = (e) => { document.getElementById('state').textContent = 'closed ' + e.code; };
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const m = document.getElementById('m'); ws.send(m.value); log('→ ' + m.value); m.value = ''; };
document.getElementById('c').onclick = () => ws.close(1000, 'bye');
</script>`

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	for id := 1; ; id++ {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(id, conn)
	}
}

func handle(id int, conn net.Conn) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(conn, 8<<10)
	method, target, headers, err := readHead(r)
	if err != nil {
		log.Printf("#%d bad request: %v", id, err)
		reply(conn, "400 Bad Request", "text/plain", "bad request\n")
		return
	}
	switch {
	case target == "/" && method == "GET":
		reply(conn, "200 OK", "text/html; charset=utf-8", page)
	case target != "/ws":
		reply(conn, "404 Not Found", "text/plain", "not found\n")
	case !hasToken(headers["upgrade"], "websocket") || !hasToken(headers["connection"], "upgrade"):
		reply(conn, "426 Upgrade Required", "text/plain", "this is a WebSocket\n")
	case headers["sec-websocket-version"] != "13":
		reply(conn, "426 Upgrade Required", "text/plain", "version 13 only\n")
	default:
		key := headers["sec-websocket-key"]
		if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
			reply(conn, "400 Bad Request", "text/plain", "bad Sec-WebSocket-Key\n")
			return
		}
		sum := sha1.Sum([]byte(key + guid))
		accept := base64.StdEncoding.EncodeToString(sum[:])
		log.Printf("#%d key %q + GUID -> SHA-1 %x -> accept %s", id, key, sum, accept)
		fmt.Fprintf(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept)
		ws := &socket{id: id, conn: conn, r: r}
		ws.serve()
	}
}

// socket is one upgraded connection. The ticker and the reader both
// write, so writes take turns.
type socket struct {
	id   int
	conn net.Conn
	r    *bufio.Reader
	mu   sync.Mutex
	shut bool // our close frame is out: nothing may follow it
}

func (s *socket) serve() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // ticks, whatever the client does: full duplex
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			case <-t.C:
				if s.send(0x1, []byte("tick "+strconv.Itoa(n))) != nil {
					return
				}
			}
		}
	}()
	code, reason := s.readFrames()
	close(stop)
	<-done
	s.send(0x8, append([]byte{byte(code >> 8), byte(code)}, reason...))
	s.conn.(*net.TCPConn).CloseWrite() // the server closes the TCP connection first
	s.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, s.r)
}

func (s *socket) send(op byte, p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shut {
		return errors.New("closed")
	}
	s.shut = op == 0x8
	frame := []byte{0x80 | op} // FIN and the opcode; a server never masks
	switch n := len(p); {
	case n < 126:
		frame = append(frame, byte(n))
	case n <= 0xffff:
		frame = append(frame, 126, byte(n>>8), byte(n))
	default:
		frame = binary.BigEndian.AppendUint64(append(frame, 127), uint64(n))
	}
	_, err := s.conn.Write(append(frame, p...))
	return err
}

// readFrames reads until the client closes or breaks a rule, and returns
// the close code (and reason) to answer with.
func (s *socket) readFrames() (int, string) {
	var msg []byte
	var msgOp byte
	for {
		s.conn.SetReadDeadline(time.Now().Add(idle))
		var h [2]byte
		if _, err := io.ReadFull(s.r, h[:]); err != nil {
			return 1001, "going away"
		}
		fin, rsv, op, masked := h[0]&0x80 != 0, h[0]&0x70, h[0]&0x0f, h[1]&0x80 != 0
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(s.r, b[:]); err != nil {
				return 1001, "going away"
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(s.r, b[:]); err != nil {
				return 1001, "going away"
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		log.Printf("#%d frame: FIN %v, opcode %d, MASK %v, length %d", s.id, fin, op, masked, n)
		switch {
		case rsv != 0:
			return 1002, "reserved bits set"
		case !masked:
			return 1002, "a client's frames must be masked"
		case op > 0x2 && op < 0x8 || op > 0xA:
			return 1002, "unknown opcode"
		case op >= 0x8 && (!fin || n > 125):
			return 1002, "bad control frame"
		case n > maxPayload || uint64(len(msg))+n > maxPayload:
			return 1009, "too big"
		}
		var key [4]byte
		if _, err := io.ReadFull(s.r, key[:]); err != nil {
			return 1001, "going away"
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(s.r, p); err != nil {
			return 1001, "going away"
		}
		for i := range p {
			p[i] ^= key[i%4] // unmask
		}
		switch op {
		case 0x9: // ping
			s.send(0xA, p)
			continue
		case 0xA: // pong
			continue
		case 0x8: // close: answer with the same code
			if len(p) < 2 {
				return 1000, ""
			}
			code := int(binary.BigEndian.Uint16(p))
			log.Printf("#%d the client closes with %d %q", s.id, code, p[2:])
			return code, ""
		case 0x0:
			if msgOp == 0 {
				return 1002, "nothing to continue"
			}
		default:
			if msgOp != 0 {
				return 1002, "expected a continuation"
			}
			msgOp = op
		}
		msg = append(msg, p...)
		if !fin {
			continue
		}
		if msgOp == 0x1 && !utf8.Valid(msg) {
			return 1007, "not UTF-8"
		}
		log.Printf("#%d message: %q", s.id, msg)
		if s.send(msgOp, msg) != nil { // the echo
			return 1001, "going away"
		}
		msg, msgOp = nil, 0
	}
}

func reply(conn net.Conn, status, ctype, body string) {
	fmt.Fprintf(conn, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, ctype, len(body), body)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
}

// readHead reads the request line and the headers (names in lower case).
func readHead(r *bufio.Reader) (method, target string, headers map[string]string, err error) {
	// ReadSlice fails on a line longer than the reader's 8 KiB buffer,
	// so a client cannot make us hold more.
	b, err := r.ReadSlice('\n')
	if err != nil {
		return "", "", nil, err
	}
	line := string(b)
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return "", "", nil, fmt.Errorf("request line %q", line)
	}
	headers = map[string]string{}
	for len(headers) < 100 {
		b, err := r.ReadSlice('\n')
		if err != nil {
			return "", "", nil, err
		}
		l := strings.TrimRight(string(b), "\r\n")
		if l == "" {
			return parts[0], parts[1], headers, nil
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return "", "", nil, fmt.Errorf("header line %q", l)
		}
		headers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
	return "", "", nil, errors.New("too many headers")
}

func hasToken(v, token string) bool {
	for _, t := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

func listenAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	return "localhost:" + port
}
