// keep-alive is the server of the keep-alive lesson: it serves request
// after request on one connection. Each answer carries Content-Length, so
// the client knows where it ends and can send the next request.
//
//	go run ./assets/examples/keep-alive
//	curl -v http://localhost:3001/ http://localhost:3001/
//	curl -v -H 'Connection: close' http://localhost:3001/ http://localhost:3001/
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http" // only for http.StatusText
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
			// Not one we can read for sure: say so, and close, so nothing
			// after it is taken for the next request.
			status := 400
			var no refusal
			if errors.As(err, &no) {
				status = no.status
			}
			log.Printf("#%d bad request: %d, %v", id, status, err)
			fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status, http.StatusText(status))
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
	hosts, lengths, encodings := 0, 0, 0
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
			// Digits only: ParseInt alone would take "+3" too.
			value = strings.TrimSpace(value)
			lengths++
			if bodySize, err = strconv.ParseInt(value, 10, 64); err != nil || strings.Trim(value, "0123456789") != "" {
				return "", false, errors.New("Content-Length must be a number")
			}
		}
		if strings.EqualFold(name, "Host") {
			hosts++
		}
		if strings.EqualFold(name, "Transfer-Encoding") {
			encodings++
			if !strings.EqualFold(strings.TrimSpace(value), "chunked") {
				return "", false, refusal{501, "the only Transfer-Encoding we read is chunked"}
			}
		}
	}
	// Two ways to say where the body ends, or one said twice: a proxy in
	// front of us may have believed the other one, and the bytes we would
	// take for the next request are how requests get smuggled past it.
	if lengths > 1 || encodings > 1 || lengths > 0 && encodings > 0 {
		return "", false, errors.New("one Content-Length or one Transfer-Encoding: chunked, never both or twice")
	}
	// HTTP/1.1 requires one Host header, naming the site the client wants.
	if hosts > 1 || hosts == 0 && !strings.HasSuffix(line, " HTTP/1.0") {
		return "", false, errors.New("an HTTP/1.1 request needs exactly one Host header")
	}
	// Skip the body. If we left its bytes in the reader, we would read
	// them as the start of the next request.
	if encodings > 0 {
		return line, closing, skipChunked(r)
	}
	_, err = io.CopyN(io.Discard, r, bodySize)
	return line, closing, err
}

// refusal is a request we will not serve, with the status that says why.
type refusal struct {
	status int
	why    string
}

func (r refusal) Error() string { return r.why }

// skipChunked reads past a chunked body: chunks of "size in hex\r\n",
// that many bytes and "\r\n", up to a chunk of size 0, then trailer
// lines up to an empty line.
func skipChunked(r *bufio.Reader) error {
	for {
		line, err := readLine(r)
		if err != nil {
			return err
		}
		hex, _, _ := strings.Cut(line, ";") // drop chunk extensions
		size, err := strconv.ParseInt(strings.TrimSpace(hex), 16, 32)
		if err != nil || size < 0 {
			return errors.New("a chunk starts with its size in hex")
		}
		if size == 0 {
			break
		}
		if _, err := io.CopyN(io.Discard, r, size); err != nil {
			return err
		}
		if end, err := readLine(r); err != nil || end != "" {
			return errors.New("a chunk's bytes end with \\r\\n")
		}
	}
	for {
		trailer, err := readLine(r)
		if err != nil || trailer == "" {
			return err
		}
	}
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
