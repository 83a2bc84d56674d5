// closing is the server of the closing lesson: it reads until the client
// says it is done (end-of-file, the client's FIN), and only then answers
// with how many bytes and lines came, like wc. Then it closes politely.
//
//	go run ./assets/examples/closing
//	printf 'one\ntwo\nthree\n' | nc -N localhost 3001
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"
)

const idle = 60 * time.Second // silence allowed while the client sends

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
		go handle(id, conn)
	}
}

func handle(id int, conn net.Conn) {
	// Whatever happens, close: a socket the peer closed and we did not
	// sits in CLOSE_WAIT and holds its file descriptor.
	defer conn.Close()
	buf := make([]byte, 4096)
	total, lines := 0, 0
	for {
		conn.SetReadDeadline(time.Now().Add(idle))
		n, err := conn.Read(buf)
		total += n
		lines += bytes.Count(buf[:n], []byte("\n"))
		if errors.Is(err, io.EOF) {
			break // the client's FIN: it will send no more
		}
		if err != nil {
			log.Printf("#%d: %v", id, err)
			return
		}
	}
	// The client half-closed (shutdown of its write side) and still reads.
	if _, err := fmt.Fprintf(conn, "%d bytes, %d lines\n", total, lines); err != nil {
		log.Printf("#%d write: %v", id, err)
		return
	}
	log.Printf("#%d answered after %d bytes, %d lines", id, total, lines)
	// Our FIN, then wait for the client to close too. We read everything,
	// so the close is a FIN, not a reset.
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
