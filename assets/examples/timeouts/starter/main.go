// Starter for the timeouts lesson: an HTTP server that guards itself with
// timeouts and a limit.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson timeouts --target localhost:3001
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

		// TODO: Close a connection that sends nothing for 5 seconds (the idle
		//       timeout).
		// TODO: Give a request's head 3 seconds in all, counted from the moment
		//       the connection opens, however slowly it trickles in (the header
		//       timeout); then answer 200 and close. Both clocks guard the Read
		//       above, so set them before it (conn.SetReadDeadline).
		// TODO: Hold at most 20 connections at once: close newcomers beyond that.
	}
}
