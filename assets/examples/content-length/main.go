// content-length is the server of the content-length lesson: like the
// http-response server, but its body is Korean text, where characters and
// bytes are different counts.
//
//	go run ./assets/examples/content-length
//	curl -v http://localhost:3001/
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"time"
	"unicode/utf8"
)

// body is "Hello, world!" in Korean.
//
//	utf8.RuneCountInString(body) == 7   characters
//	len(body)                    == 15  bytes
//
// Each Hangul syllable takes 3 bytes in UTF-8 (4 × 3 = 12), and ",", " "
// and "!" take 1 each (3 more). Content-Length tells the client how many
// bytes to read after the blank line, so it must be len(body). Counting
// characters instead would say 7, and the client would stop after "안녕,".
const body = "안녕, 세상!"

var response = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	body

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	log.Printf("the body %q has %d characters and %d bytes",
		body, utf8.RuneCountInString(body), len(body))

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

	// Wait for the whole head: a request may come in several pieces.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head, err := readHead(conn)
	if err != nil {
		log.Printf("#%d no whole request came: %v", id, err)
		return
	}
	// Untrusted bytes from the network: %q escapes control bytes.
	log.Printf("#%d read a %d-byte request: %q", id, len(head), head)

	if _, err := io.WriteString(conn, response); err != nil {
		log.Printf("#%d write failed: %v", id, err)
		return
	}
	log.Printf("#%d sent %d bytes: %q", id, len(response), response)

	// Close without a reset: our FIN first, then drain what the client
	// still sends (for 2 s at most), so unread bytes never make the kernel
	// send a RST that could destroy the response before it is read.
	conn.(*net.TCPConn).CloseWrite() // we listen on "tcp": always a TCPConn
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
	log.Printf("#%d closed", id)
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

// maxHead is the most we read while waiting for the end of a request's
// head; a client that never sends the blank line cannot make us hold more.
const maxHead = 8 << 10

// readHead reads until the blank line (\r\n\r\n) that ends a request's
// head. TCP may hand us the request in several pieces, so one read is not
// always the whole request.
func readHead(conn net.Conn) ([]byte, error) {
	var head []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(head, []byte("\r\n\r\n")) {
		if len(head) > maxHead {
			return nil, errors.New("the request head is too long")
		}
		n, err := conn.Read(buf)
		head = append(head, buf[:n]...)
		if err != nil {
			return nil, err
		}
	}
	return head, nil
}
