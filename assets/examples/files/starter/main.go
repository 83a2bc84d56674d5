// Starter for the files lesson: an HTTP server that serves the files of one
// folder.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson files --target localhost:3001
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

		// TODO: Read the request line and headers; answer GET and HEAD, others 405.
		// TODO: Map the path to a file in the folder public/ next to this file
		//       (tubes init put it there; index.html for /),
		//       and send it with the Content-Type of its name: .html text/html,
		//       .css text/css, .txt text/plain, .png image/png.
		// TODO: Send Last-Modified; answer If-Modified-Since that is not older
		//       with 304 Not Modified and no body. HEAD gets no body either.
		// TODO: Refuse with 403, before opening anything, every path with .. in it
		//       (also %2e%2e and ..%2f once decoded) or a backslash.
	}
}
