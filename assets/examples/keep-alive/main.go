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
		// Between requests the connection is idle. The next request gets
		// idle (10 s) to arrive, counted afresh for every request.
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
			closePolitely(conn, r)
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
			closePolitely(conn, r)
			log.Printf("#%d closed by server, as the client asked", id)
			return
		}
	}
}

// closePolitely sends our FIN first, then drops what the client still
// sends until it closes too (2 s at most). Closing with unread bytes in
// the socket would make the kernel send a reset instead of a FIN, and a
// reset can destroy the answer before the client reads it.
func closePolitely(conn net.Conn, r *bufio.Reader) {
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, r)
}

// readRequest reads one request: the request line, the header lines up
// to the empty line, and the body, which it skips. It reports whether the
// client wants the connection closed after this request.
func readRequest(r *bufio.Reader) (line string, closing bool, err error) {
	line, err = readLine(r)
	if err != nil {
		return "", false, err // io.EOF here: closed between requests
	}
	if len(strings.Split(line, " ")) != 3 {
		return "", false, errors.New("a request line is METHOD TARGET VERSION")
	}
	// HTTP/1.0 closes after each request unless told otherwise; to keep
	// this short, we always close for it.
	closing = strings.HasSuffix(line, " HTTP/1.0")
	bodySize := int64(0)
	for i := 0; ; i++ {
		text, err := readLine(r)
		if err != nil {
			return "", false, err
		}
		if text == "" {
			break // the empty line: the head is done
		}
		if i == maxHeaders {
			return "", false, errors.New("too many header lines")
		}
		name, value, _ := strings.Cut(text, ":")
		if strings.EqualFold(name, "Connection") {
			// A list like "keep-alive, close": look for the word close.
			for _, word := range strings.Split(value, ",") {
				closing = closing || strings.EqualFold(strings.TrimSpace(word), "close")
			}
		}
		if strings.EqualFold(name, "Content-Length") {
			bodySize, err = strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || bodySize < 0 {
				return "", false, errors.New("Content-Length must be a number")
			}
		}
	}
	// Skip the body: exactly Content-Length bytes. If we left them in the
	// reader, we would read them as the start of the next request.
	_, err = io.CopyN(io.Discard, r, bodySize)
	return line, closing, err
}

// readLine reads one line and cuts off its \r\n. ReadSlice never grows the
// reader's buffer past maxLine bytes: a longer line is an error, not a way
// to make us hold more memory.
func readLine(r *bufio.Reader) (string, error) {
	raw, err := r.ReadSlice('\n')
	if err != nil {
		return "", err
	}
	text, ok := strings.CutSuffix(string(raw), "\r\n")
	if !ok {
		return "", errors.New(`lines must end in \r\n`)
	}
	return text, nil
}
