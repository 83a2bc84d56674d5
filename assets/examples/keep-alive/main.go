// keep-alive is the server of the keep-alive lesson: it serves request
// after request on one connection. Each answer carries Content-Length, so
// the client knows where it ends and can send the next request.
//
//	go run ./assets/examples/keep-alive
//	curl -v http://localhost:3000/ http://localhost:3000/
//	curl -v -H 'Connection: close' http://localhost:3000/ http://localhost:3000/
package main

import (
	"bufio"
	"errors"
	"flag"
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
	idle       = 10 * time.Second // silence allowed between requests
	maxLine    = 8 << 10          // bytes in one line of a request head
	maxHeaders = 100              // header lines in one request
)

func main() {
	addr := flag.String("addr", "localhost:3000", "host:port to listen on")
	flag.Parse()
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	ln, err := net.Listen("tcp", *addr)
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
	// One reader for the whole connection: bytes it read past one request
	// already belong to the next one, so they must not be lost.
	r := bufio.NewReaderSize(conn, maxLine)
	for n := 1; ; n++ {
		// Waiting for the next request is being idle. The deadline is set
		// again for each request, so only silence counts.
		conn.SetReadDeadline(time.Now().Add(idle))
		line, closing, err := readRequest(r)
		switch {
		case err == io.EOF:
			log.Printf("#%d closed by client after %d requests", id, n-1)
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			log.Printf("#%d idle for %s, closing it", id, idle)
			return
		case err != nil:
			log.Printf("#%d bad request: %v", id, err)
			io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			return
		}
		// The request line came from the network: %q escapes control bytes.
		log.Printf("#%d request #%d: %q", id, n, line)

		body := fmt.Sprintf("Hello! This is response #%d on connection #%d.\n", n, id)
		head := "HTTP/1.1 200 OK\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
		if closing {
			// The client asked to close: say we will, then do it.
			head += "Connection: close\r\n"
		}
		if _, err := io.WriteString(conn, head+"\r\n"+body); err != nil {
			log.Printf("#%d write failed: %v", id, err)
			return
		}
		if closing {
			// FIN first, then drain until the client closes too (2 s at
			// most): closing with unread bytes would send a reset instead.
			conn.(*net.TCPConn).CloseWrite()
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			io.Copy(io.Discard, r)
			log.Printf("#%d closed by server, as the client asked", id)
			return
		}
	}
}

// readRequest reads one request: the request line, the header lines up to
// the empty line, and the body, which it skips. It reports whether the
// client wants the connection closed after this request.
func readRequest(r *bufio.Reader) (line string, closing bool, err error) {
	bodySize := int64(0)
	for i := 0; ; i++ {
		// ReadSlice never grows the buffer past maxLine bytes: a longer
		// line is an error, not a way to make us hold more memory.
		raw, err := r.ReadSlice('\n')
		if err == io.EOF && i == 0 && len(raw) == 0 {
			return "", false, io.EOF // closed between requests: fine
		} else if err != nil {
			return "", false, err
		}
		text, ok := strings.CutSuffix(string(raw), "\r\n")
		switch {
		case !ok:
			return "", false, errors.New(`lines must end in \r\n`)
		case i == 0:
			line = text // GET / HTTP/1.1
			closing = strings.HasSuffix(text, " HTTP/1.0") // 1.0 closes by default
		case text == "":
			// The empty line: the head is done. Skip the body, exactly
			// Content-Length bytes, or we would read it as the next request.
			_, err := io.CopyN(io.Discard, r, bodySize)
			return line, closing, err
		case i > maxHeaders:
			return "", false, errors.New("too many header lines")
		}
		name, value, _ := strings.Cut(text, ":")
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Connection"):
			closing = closing || strings.Contains(strings.ToLower(value), "close")
		case strings.EqualFold(name, "Content-Length"):
			bodySize, err = strconv.ParseInt(value, 10, 64)
			if err != nil || bodySize < 0 {
				return "", false, errors.New("Content-Length must be a number")
			}
		}
	}
}
