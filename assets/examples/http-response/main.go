// http-response is the server of the http-response lesson: an HTTP
// server with no HTTP library. It reads once, writes one hand-made
// response, and closes.
//
//	go run ./assets/examples/http-response
//	curl -v http://localhost:3000/
package main

import (
	"flag"
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

	// One read is enough for this lesson: whatever the request says, the
	// answer is the same. (Reading a whole request comes later.)
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := conn.Read(buf)
	if err != nil {
		log.Printf("#%d closed before sending anything: %v", id, err)
		return
	}
	// The request is untrusted bytes from the network: %q escapes them.
	log.Printf("#%d read %d bytes: %q", id, n, buf[:n])

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
