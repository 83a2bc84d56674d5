// concurrency is the server of the concurrency lesson: a slow HTTP handler
// (1 s per request), served one connection at a time or one goroutine per
// connection.
//
//	go run ./assets/examples/concurrency                   (goroutine each)
//	go run ./assets/examples/concurrency -one-at-a-time    (queue up)
//	time (for i in 1 2 3 4 5; do curl -s http://localhost:3000/ & done; wait)
package main

import (
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
	addr := flag.String("addr", "localhost:3000", "host:port to listen on")
	oneAtATime := flag.Bool("one-at-a-time", false, "serve each connection before accepting the next")
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
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		log.Printf("#%d closed before sending anything: %v", id, err)
		return
	}
	// Bytes from the network are untrusted: %q escapes control bytes.
	log.Printf("#%d read %d bytes: %q", id, n, buf[:n])

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
