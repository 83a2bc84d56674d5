// content-length is the server of the content-length lesson: like the
// http-response server, but its body is Korean text, where characters and
// bytes are different counts.
//
//	go run ./assets/examples/content-length
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
	addr := flag.String("addr", "localhost:3000", "host:port to listen on")
	flag.Parse()
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	ln, err := net.Listen("tcp", *addr)
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

	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := conn.Read(buf)
	if err != nil {
		log.Printf("#%d closed before sending anything: %v", id, err)
		return
	}
	// Untrusted bytes from the network: %q escapes control bytes.
	log.Printf("#%d read %d bytes: %q", id, n, buf[:n])

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
