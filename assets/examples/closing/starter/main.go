// Starter for the closing lesson: a server that answers once the client
// has said it is done (its FIN).
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson closing --target localhost:3001
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

		// TODO: Count the bytes and lines that arrive; answer nothing yet.
		// TODO: When a read returns end-of-file (the client's FIN, as nc -N sends
		//       it), answer with "N bytes, M lines\n": the client still reads.
		// TODO: Then close politely: shut down your write side (FIN) and read
		//       until the client closes too, so the close is never a reset.
		// TODO: Always close once the client is gone: a socket you never close
		//       sits in CLOSE_WAIT.
	}
}
