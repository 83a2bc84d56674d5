// Starter for the chunked lesson: an HTTP server that sends and reads
// bodies in chunks.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson chunked --target localhost:3001
package main

import (
	"fmt"
	"log"
	"net"
	"os"
)

func main() {
	// $PORT picks the port; 3001 by default (tubes itself uses 3000).
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	ln, err := net.Listen("tcp", "localhost:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())

	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			continue
		}
		go handle(conn)
	}
}

// handle reads what the client sends and logs it, until the client closes.
func handle(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return // the client closed, or the connection failed
		}
		// %q escapes control bytes: they came from the network.
		log.Printf("read %d bytes: %q", n, buf[:n])

		// TODO: Read whole requests: the head up to the empty line, then the body.
		// TODO: A GET gets Transfer-Encoding: chunked and its body in pieces, each
		//       as: size in hex, \r\n, the bytes, \r\n; then the end, 0\r\n\r\n.
		// TODO: A body sent with Transfer-Encoding: chunked: read each size line,
		//       that many bytes and their \r\n, until the chunk of size 0 and the
		//       empty line after it; answer with the joined body.
		// TODO: A size line may carry extensions after a ";" (7;ext=1): they are
		//       allowed; skip them. Refuse with 400 a size, the part before any
		//       ";", that is not only hex digits.
	}
}
