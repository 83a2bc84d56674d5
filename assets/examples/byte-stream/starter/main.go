// Starter for the byte-stream lesson: a server that frames the byte stream
// by newlines.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson byte-stream --target localhost:3001
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

		// TODO: Reads split the stream anywhere: keep the bytes until a "\n"
		//       arrives, and keep what follows it for the next line.
		// TODO: Answer each whole line with "line N: <text>\n", N counting the
		//       lines on this connection (drop a "\r" before the "\n").
		// TODO: Do not let one endless line eat your memory: once 1024 bytes
		//       wait without a "\n", answer an error line and close.
	}
}
