// Starter for the tcp-accept lesson: a server that accepts connections and
// reads what arrives, but never writes.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson tcp-accept --target localhost:3001
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
		// TODO: Read what the client sends, and log it. The bytes come from the
		//       network: log them escaped, never raw.
		// TODO: Close a connection that stays silent for 3 seconds, so dead
		//       clients do not pile up.
		// TODO: Never write a byte back: that comes in a later lesson.
		// Keep the connection open for now; nothing reads it yet.
		held = append(held, conn)
	}
}
