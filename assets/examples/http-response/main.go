// http-response is the server of the http-response lesson: an HTTP
// server with no HTTP library. It reads once, writes one hand-made
// response, and closes.
//
//	go run ./assets/examples/http-response
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
)

// body is 14 ASCII bytes plus 4 bytes for the emoji: 18 bytes.
const body = "Hello, world! 🎉"

// response is the whole answer, byte for byte. Every line of the head
// ends in \r\n (not just \n): HTTP says so. The empty line ends the
// head, and the body follows with no newline after it.
//
// Content-Length counts the body's bytes. len(body) is a byte count,
// which is exactly right; the 15 characters you see would be wrong.
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

	// Whatever the request says, the answer is the same; but we wait for
	// the whole head first, so we never answer half a request.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head, err := readHead(conn)
	if err != nil {
		log.Printf("#%d no whole request came: %v", id, err)
		return
	}
	// The request is untrusted bytes from the network: %q escapes them.
	log.Printf("#%d read a %d-byte request: %q", id, len(head), head)

	if _, err := io.WriteString(conn, response); err != nil {
		log.Printf("#%d write failed: %v", id, err)
		return
	}
	log.Printf("#%d sent %d bytes: %q", id, len(response), response)
	closePolitely(id, conn)
}

// closePolitely ends the connection without a reset. Closing a socket
// while bytes from the client still sit unread in it makes the kernel
// send a RST, and a RST can wipe out a response the client has not read
// yet. So: send our FIN first (CloseWrite: "no more bytes from me"),
// then read and drop what the client still sends until it closes too,
// or 2 s pass.
func closePolitely(id int, conn net.Conn) {
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
