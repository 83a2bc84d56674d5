// Starter for the client lesson: a server that sees both ends of a
// connection, and who closes it.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson client --target localhost:3001
package main

import (
	"fmt"
	"log"
	"net"
	"os"
)

// held keeps the accepted connections open (and referenced, so they are
// not closed behind our back).
var held []net.Conn

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
		log.Printf("accepted %s", conn.RemoteAddr())
		// TODO: Log both ends of the connection: your address and port, and the
		//       client's.
		// TODO: Read until the client closes its side: a read then returns
		//       end-of-file (0 bytes). Close your side too.
		// TODO: If the client stays silent for 2 seconds, close the connection
		//       yourself.
		// Keep the connection open for now; nothing reads it yet.
		held = append(held, conn)
	}
}
