// http-request is the server of the http-request lesson: it reads a whole
// HTTP request by the rules, with no HTTP library, and answers with a page
// describing what it found. A request that breaks the rules gets a 4xx.
//
//	go run ./assets/examples/http-request
//	curl -v 'http://localhost:3001/hello?lang=en'
//	curl -v -d 'name=tubes&lesson=7' http://localhost:3001/form
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http" // only for http.StatusText: "OK", "Bad Request", ...
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits: without them, one client could make us hold any amount of memory.
const (
	maxLine    = 8 << 10 // bytes in the request line or in one header line
	maxHeaders = 100     // header lines
	maxBody    = 1 << 20 // body bytes (1 MiB)
)

type request struct {
	method, target, version string
	headers                 [][2]string // name and value, in arrival order
	body                    []byte
}

// refusal is the answer to a request that breaks the rules.
type refusal struct {
	status int
	why    string
}

func (r refusal) Error() string { return r.why }

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
		log.Printf("#%d accepted %s", id, conn.RemoteAddr())
		go handle(id, conn)
	}
}

func handle(id int, conn net.Conn) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))

	req, err := readRequest(bufio.NewReaderSize(conn, maxLine))
	var no refusal
	switch {
	case errors.As(err, &no):
		log.Printf("#%d refused: %d, %s", id, no.status, no.why)
		respond(conn, no.status, no.why+"\n")
	case err != nil:
		log.Printf("#%d gave up reading: %v", id, err)
		return
	default:
		// All of it came from the network, so %q: control bytes in it get
		// printed escaped, never sent raw to our terminal.
		log.Printf("#%d %q %q %q, %d headers, %d body bytes",
			id, req.method, req.target, req.version, len(req.headers), len(req.body))
		respond(conn, 200, describe(req))
	}
	// Close without a reset: FIN first, then drop what the client still
	// sends until it closes too (2 s at most). Unread bytes left in the
	// socket would make the kernel send a RST that can destroy our answer.
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
}

func readRequest(r *bufio.Reader) (*request, error) {
	// 1. The request line. Split on single spaces (not strings.Fields), so
	// that two spaces in a row leave an empty part and fail the check.
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(line, " ")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return nil, refusal{400, "a request line is METHOD TARGET VERSION"}
	}
	if parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0" {
		// HTTP/2.0 is a version, just not ours: 505. Anything else is not
		// a version at all: 400.
		if v := parts[2]; len(v) == 8 && strings.HasPrefix(v, "HTTP/") && isDigit(v[5]) && v[6] == '.' && isDigit(v[7]) {
			return nil, refusal{505, "this server speaks HTTP/1.1 and HTTP/1.0, not " + v}
		}
		return nil, refusal{400, "the version must be HTTP/1.1 or HTTP/1.0"}
	}
	req := &request{method: parts[0], target: parts[1], version: parts[2]}

	// 2. Header lines, "Name: value", up to 3. the empty line. Names
	// ignore case: "content-length" is the same header.
	bodySize := -1 // no Content-Length seen yet
	for {
		line, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, refusal{400, "a header line is Name: value"}
		}
		if len(req.headers) == maxHeaders {
			return nil, refusal{431, "too many header lines"}
		}
		value = strings.Trim(value, " \t")
		req.headers = append(req.headers, [2]string{name, value})
		if strings.EqualFold(name, "Transfer-Encoding") {
			return nil, refusal{501, "chunked bodies are not supported here"}
		}
		if strings.EqualFold(name, "Content-Length") {
			size, err := strconv.ParseUint(value, 10, 63) // digits only
			if err != nil || size > maxBody || bodySize >= 0 {
				return nil, refusal{400, "one Content-Length, a number up to 1 MiB"}
			}
			bodySize = int(size)
		}
	}

	// HTTP/1.1 requires exactly one Host header: it names the site the
	// client wants, since one server may host many.
	hosts := 0
	for _, h := range req.headers {
		if strings.EqualFold(h[0], "Host") {
			hosts++
		}
	}
	if hosts > 1 || hosts == 0 && req.version == "HTTP/1.1" {
		return nil, refusal{400, "an HTTP/1.1 request needs exactly one Host header"}
	}

	// 4. The body: exactly Content-Length bytes, or none at all.
	if bodySize > 0 {
		req.body = make([]byte, bodySize)
		if _, err := io.ReadFull(r, req.body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// readLine reads one line of the head and cuts off its \r\n. ReadSlice
// never grows the reader's buffer (maxLine bytes): a longer line fails
// with bufio.ErrBufferFull instead of eating memory.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", refusal{431, "a line of the head is too long"}
	} else if err != nil {
		return "", err
	}
	text, ok := strings.CutSuffix(string(line), "\r\n")
	if !ok || strings.Contains(text, "\r") {
		// A lone \r or \n is not a line end: refuse it rather than guess.
		return "", refusal{400, `lines must end in \r\n`}
	}
	return text, nil
}

// describe is the page we send back.
func describe(req *request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You sent a %s request for %s using %s.\n\nHeaders (%d):\n",
		readable(req.method), readable(req.target), req.version, len(req.headers))
	for _, h := range req.headers {
		fmt.Fprintf(&b, "  %s: %s\n", readable(h[0]), readable(h[1]))
	}
	fmt.Fprintf(&b, "\nBody: %d bytes\n", len(req.body))
	if len(req.body) > 0 {
		b.WriteString(readable(string(req.body)) + "\n")
	}
	return b.String()
}

// readable returns text from the network as it is if all of it is valid,
// printable UTF-8, or else quoted like %q, with the odd bytes escaped.
func readable(s string) string {
	for _, r := range s {
		if !strconv.IsPrint(r) || r == utf8.RuneError {
			return strconv.Quote(s)
		}
	}
	return s
}

// respond writes a whole response. Content-Length is len(body): bytes.
func respond(conn net.Conn, status int, body string) {
	fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body)
}

// listenAddr is where the server listens: localhost (this machine only),
// on the port in $PORT, or 3001 when it is unset. (tubes itself uses 3000,
// so both can run at once.)
func listenAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	return "localhost:" + port
}
