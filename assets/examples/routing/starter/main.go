// Starter for the routing lesson: an HTTP server with a router.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson routing --target localhost:3001
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

		// TODO: Read a whole request, as in the http-request lesson: the head up
		//       to "\r\n\r\n", then the body by Content-Length (or chunked).
		// TODO: Pick the answer by method and path: GET / a welcome text, GET
		//       /time the time in RFC 3339, POST /echo the body sent back.
		// TODO: Any other path: 404, with a body that names the missing route.
		// TODO: A known path with another method: 405, with an Allow header (GET,
		//       HEAD for / and /time; POST for /echo).
		// TODO: HEAD / and HEAD /time: the status and headers GET would get,
		//       Content-Length included, and no body.
		// TODO: Close the connection after the response.
	}
}
