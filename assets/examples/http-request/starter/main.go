// Starter for the http-request lesson: an HTTP server that reads whole
// requests.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson http-request --target localhost:3001
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

		// TODO: Collect bytes until the head is complete ("\r\n\r\n"): a request
		//       may arrive in several reads.
		// TODO: Parse the request line, METHOD TARGET VERSION split by single
		//       spaces, and the header lines, Name: value.
		// TODO: Then read exactly Content-Length bytes of body (they too may come
		//       later).
		// TODO: Answer 200 with a text/plain page that describes what you found.
		// TODO: Answer 400 when the request line is not METHOD TARGET VERSION, or
		//       an HTTP/1.1 request has no Host header; answer 501 to
		//       Transfer-Encoding, which this server does not read.
		// TODO: Close the connection after the response.
	}
}
