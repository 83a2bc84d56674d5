// Starter for the keep-alive lesson: an HTTP server that serves many
// requests on one connection.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson keep-alive --target localhost:3001
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

		// TODO: Read whole requests: one read may hold part of a request, or two
		//       of them. Bytes past one request belong to the next.
		// TODO: Answer each with Content-Length, and keep the connection open for
		//       the next request.
		// TODO: When the client says Connection: close, or speaks HTTP/1.0,
		//       answer with Connection: close and close.
		// TODO: An HTTP/1.1 request without a Host header gets 400.
		// TODO: Close a connection that stays silent for 10 seconds.
	}
}
