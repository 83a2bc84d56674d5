// Starter for the http-response lesson: an HTTP server with no HTTP
// library.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson http-response --target localhost:3001
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

		// TODO: Wait until the request's head has arrived: it ends with an empty
		//       line, "\r\n\r\n", and may come in several reads.
		// TODO: Then write one response: "HTTP/1.1 200 OK", the headers
		//       Content-Type: text/plain; charset=utf-8, Content-Length and
		//       Connection: close, an empty line, and the body "Hello, world! 🎉".
		//       Every line ends in "\r\n".
		// TODO: Content-Length counts the body's bytes (18), not its characters
		//       (15).
		// TODO: Close the connection after the response.
	}
}
