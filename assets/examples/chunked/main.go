// chunked is the server of the chunked lesson: a GET is answered with a
// body sent in chunks, one every 300 ms, each with its size in hex in
// front; a request whose body comes chunked is decoded and its body sent
// back.
//
//	go run ./assets/examples/chunked
//	curl -N http://localhost:3001/
//	curl --raw http://localhost:3001/
//	curl -H 'Transfer-Encoding: chunked' --data-binary 'Hello, chunked world!' http://localhost:3001/
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	idle    = 10 * time.Second
	pause   = 300 * time.Millisecond // between two chunks of the answer
	maxLine = 8 << 10                // bytes in one line of a request head
	maxBody = 1 << 20                // decoded body bytes we take
)

var lines = []string{"one\n", "two\n", "three\n", "four\n", "five, and that is all\n"}

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(conn)
	}
}

// refusal is a request we answer with an error status.
type refusal struct {
	status int
	why    string
}

func (r refusal) Error() string { return r.why }

func handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(idle))
	r := bufio.NewReaderSize(conn, maxLine)
	method, body, chunks, err := readRequest(r)
	var no refusal
	switch {
	case errors.As(err, &no):
		text := no.why + "\n"
		fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			no.status, statusText(no.status), len(text), text)
		closePolitely(conn, r)
		return
	case err != nil:
		log.Print("read: ", err)
		return
	}
	if body != nil || method == "POST" {
		text := fmt.Sprintf("You sent %d bytes", len(body))
		if chunks > 0 {
			text += fmt.Sprintf(" in %d chunks (the last one of size 0)", chunks)
		}
		// %q: the body came from the network, so control bytes are escaped.
		text += fmt.Sprintf(":\n%q\n", body)
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(text), text)
		closePolitely(conn, r)
		return
	}
	// The length is not known up front: send the body in chunks.
	io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
	for _, l := range lines {
		time.Sleep(pause)
		// size in hex, CRLF, the bytes, CRLF: one write, so it leaves at once
		if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(l), l); err != nil {
			return
		}
	}
	io.WriteString(conn, "0\r\n\r\n") // the 0 chunk ends the body
	closePolitely(conn, r)
}

// readRequest reads the head and the body: by Content-Length, or chunked.
// chunks counts the chunks of a chunked body, the 0 chunk included.
func readRequest(r *bufio.Reader) (method string, body []byte, chunks int, err error) {
	line, err := readLine(r)
	if err != nil {
		return "", nil, 0, err
	}
	parts := strings.Split(line, " ")
	if len(parts) != 3 {
		return "", nil, 0, refusal{400, "a request line is METHOD TARGET VERSION"}
	}
	method = parts[0]
	length, chunked, hosts := -1, false, 0
	for {
		h, err := readLine(r)
		if err != nil {
			return "", nil, 0, err
		}
		if h == "" {
			break
		}
		name, value, ok := strings.Cut(h, ":")
		value = strings.TrimSpace(value)
		switch {
		case !ok:
			return "", nil, 0, refusal{400, "a header line is Name: value"}
		case strings.EqualFold(name, "Host"):
			hosts++
		case strings.EqualFold(name, "Content-Length"):
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || length >= 0 {
				return "", nil, 0, refusal{400, "one Content-Length, a number"}
			}
			if n > maxBody {
				return "", nil, 0, refusal{413, "the body is larger than 1 MiB"}
			}
			length = n
		case strings.EqualFold(name, "Transfer-Encoding"):
			if !strings.EqualFold(value, "chunked") || chunked {
				return "", nil, 0, refusal{501, "the only Transfer-Encoding read here is chunked"}
			}
			chunked = true
		}
	}
	if hosts != 1 && parts[2] == "HTTP/1.1" {
		return "", nil, 0, refusal{400, "an HTTP/1.1 request needs exactly one Host header"}
	}
	switch {
	case chunked && length >= 0:
		// Two answers to "where does the body end?": refuse, or a proxy
		// and we could read different bodies from the same bytes.
		return "", nil, 0, refusal{400, "Content-Length and Transfer-Encoding together"}
	case chunked:
		body, chunks, err = readChunked(r)
	case length >= 0:
		body = make([]byte, length)
		_, err = io.ReadFull(r, body)
	}
	return method, body, chunks, err
}

// readChunked decodes a chunked body: size in hex (and maybe ;extensions)
// CRLF, that many bytes, CRLF, until a chunk of size 0; then trailer
// lines up to an empty line.
func readChunked(r *bufio.Reader) ([]byte, int, error) {
	var body []byte
	for chunks := 1; ; chunks++ {
		line, err := readLine(r)
		if err != nil {
			return nil, 0, err
		}
		hex, _, _ := strings.Cut(line, ";") // extensions: allowed, ignored
		// Only hex digits: no sign, no spaces, no 0x, at most 16 of them.
		if hex == "" || len(hex) > 16 || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
			return nil, 0, refusal{400, "a chunk starts with its size in hex"}
		}
		size, err := strconv.ParseUint(hex, 16, 64)
		if err != nil || size > uint64(maxBody-len(body)) {
			return nil, 0, refusal{413, "the body is larger than 1 MiB"}
		}
		if size == 0 {
			for { // trailers, up to the empty line
				t, err := readLine(r)
				if err != nil || t == "" {
					return body, chunks, err
				}
			}
		}
		start := len(body)
		body = append(body, make([]byte, size)...)
		if _, err := io.ReadFull(r, body[start:]); err != nil {
			return nil, 0, err
		}
		if end, err := readLine(r); err != nil || end != "" {
			return nil, 0, refusal{400, "a chunk's bytes end with \\r\\n, right after its size"}
		}
	}
}

// readLine reads one line and cuts off its \r\n; a line longer than the
// reader's buffer is an error, not a way to make us hold more memory.
func readLine(r *bufio.Reader) (string, error) {
	raw, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", refusal{431, "a line is too long"}
		}
		return "", err
	}
	text, ok := strings.CutSuffix(string(raw), "\r\n")
	if !ok {
		return "", refusal{400, `lines end in \r\n`}
	}
	return text, nil
}

// closePolitely sends our FIN first, then drops what the client still
// sends until it closes too (2 s at most), so the close is never a reset.
func closePolitely(conn net.Conn, r *bufio.Reader) {
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, r)
}

func statusText(code int) string {
	return map[int]string{400: "Bad Request", 413: "Content Too Large", 431: "Request Header Fields Too Large", 501: "Not Implemented"}[code]
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
