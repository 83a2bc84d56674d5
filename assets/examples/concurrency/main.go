// concurrency is the server of the concurrency lesson: a slow HTTP handler
// (1 s per request), served one connection at a time or one goroutine per
// connection.
//
//	go run ./assets/examples/concurrency                   (goroutine each)
//	go run ./assets/examples/concurrency -one-at-a-time    (queue up)
//	time (for i in 1 2 3 4 5; do curl -s http://localhost:3001/ & done; wait)
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"
)

// work is how long each request takes, as if we asked a slow database.
const work = 1 * time.Second

func main() {
	oneAtATime := flag.Bool("one-at-a-time", false, "serve each connection before accepting the next")
	flag.Parse()
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
		if *oneAtATime {
			// The loop itself serves the connection. Until handle returns,
			// nobody calls Accept: new clients finish their handshake with
			// the kernel and then wait in its queue (the listen backlog).
			handle(id, conn)
		} else {
			// A new goroutine serves it, and the loop goes straight back to
			// Accept. Five slow requests now wait out their second side by
			// side.
			go handle(id, conn)
		}
	}
}

func handle(id int, conn net.Conn) {
	defer conn.Close()
	start := time.Now()

	// A deadline matters even more when we serve one at a time: a client
	// that connects and says nothing would block everyone behind it.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head, err := readHead(conn)
	if err != nil {
		log.Printf("#%d no whole request came: %v", id, err)
		return
	}
	// Bytes from the network are untrusted: %q escapes control bytes.
	log.Printf("#%d read a %d-byte request: %q", id, len(head), head)

	time.Sleep(work) // the slow part

	body := fmt.Sprintf("Hello after a %s wait! (connection #%d)\n", work, id)
	fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\n"+
		"Connection: close\r\n"+
		"\r\n%s", len(body), body)
	log.Printf("#%d answered after %s", id, time.Since(start).Round(time.Millisecond))

	// Close without a reset: FIN first, then drop what the client still
	// sends until it closes too (2 s at most).
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
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
