// Starter for the websocket lesson: a hand-written WebSocket (RFC 6455).
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson websocket --target localhost:3001
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

		// TODO: Read the request's head (up to "\r\n\r\n"). For GET / answer a
		//       small HTML page whose script opens new WebSocket('ws://' +
		//       location.host + '/ws').
		// TODO: For GET /ws with Upgrade: websocket, Connection: Upgrade and
		//       Sec-WebSocket-Version: 13, answer "HTTP/1.1 101 Switching
		//       Protocols" with Sec-WebSocket-Accept: base64(SHA-1(key + GUID)),
		//       GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" (crypto/sha1,
		//       encoding/base64).
		// TODO: Then read frames: byte 0 is FIN and the opcode, byte 1 the MASK
		//       bit and a length (126: 16 bits follow, 127: 64 bits), then the
		//       4-byte key; XOR the payload with it. Refuse an unmasked frame
		//       or one over 64 KiB with a close frame (1002, 1009).
		// TODO: Echo each text frame (unmasked: servers never mask), send
		//       "tick N" every second from another goroutine, and answer a
		//       close frame (opcode 8) with one that has the same code.
	}
}
