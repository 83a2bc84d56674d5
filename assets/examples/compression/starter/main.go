// Starter for the compression lesson: an HTTP server that compresses its answers
// with gzip.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson compression --target localhost:3001
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

		// TODO: Read the request line and headers, and answer GET with a long text.
		// TODO: Read Accept-Encoding: a list like gzip;q=0.8, br, identity, where
		//       q=0 means "not this one".
		// TODO: When it allows gzip, compress the body, say Content-Encoding: gzip
		//       and the compressed Content-Length; otherwise send it as it is.
		// TODO: Say Vary: Accept-Encoding on both answers.
	}
}
