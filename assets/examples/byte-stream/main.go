// byte-stream is the framing server of the byte-stream lesson. TCP is one
// stream of bytes: reads split it anywhere. So this server collects bytes
// up to each newline and answers every whole line with "line N: <text>\n".
//
//	go run ./assets/examples/byte-stream
//	printf 'first li' | nc -N localhost 3001      (no newline: no answer)
//	printf 'one\ntwo\n' | nc -N localhost 3001    (two answers)
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"
)

const (
	maxLine = 1024             // longest line we accept, newline included
	idle    = 60 * time.Second // how long a connection may stay silent
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

	// The bufio.Reader does the collecting for us: it reads from the
	// connection as often as it needs, and keeps bytes past the newline
	// for the next line. Its buffer is maxLine bytes, and ReadSlice never
	// grows it: a client that sends no newline cannot make us hold more.
	r := bufio.NewReaderSize(conn, maxLine)
	for n := 1; ; n++ {
		conn.SetReadDeadline(time.Now().Add(idle))
		line, err := r.ReadSlice('\n')
		switch {
		case err == nil:
			// A whole line. Drop the "\n" (and a "\r" before it, as nc -C
			// or a Windows client would send).
			text := bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
			// The line came from the network: %q keeps its control bytes
			// from reaching our terminal.
			log.Printf("#%d line %d: %q", id, n, text)
			// Sending the client's own bytes back to it is fine: our
			// terminal never sees them raw.
			if _, err := fmt.Fprintf(conn, "line %d: %s\n", n, text); err != nil {
				log.Printf("#%d write failed: %v", id, err)
				return
			}
		case errors.Is(err, bufio.ErrBufferFull):
			fmt.Fprintf(conn, "error: a line longer than %d bytes\n", maxLine)
			log.Printf("#%d sent a line longer than %d bytes, closing", id, maxLine)
			return
		case err == io.EOF:
			if len(line) > 0 {
				// Bytes after the last newline are no whole line: dropped.
				log.Printf("#%d dropped %q: no newline came after it", id, line)
			}
			log.Printf("#%d closed by client", id)
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			log.Printf("#%d silent for %s, closing it", id, idle)
			return
		default:
			log.Printf("#%d read failed: %v", id, err)
			return
		}
	}
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
