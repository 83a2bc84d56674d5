// ping-pong is the server of the ping-pong lesson: every read it does is
// answered with the same 18 bytes, "Hello client! 🎉".
//
//	go run ./assets/examples/ping-pong
//	nc localhost 3001        (in another terminal; type ping and Enter)
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"time"
)

// reply is 14 ASCII bytes plus 4 bytes of UTF-8 for the emoji: 18 bytes,
// though it looks like 15 characters. No newline at the end.
const reply = "Hello client! 🎉"

// idle is how long a connection may stay silent before we close it.
const idle = 60 * time.Second

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())

	for id := 1; ; id++ {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		log.Printf("#%d accepted %s", id, conn.RemoteAddr())
		go handle(id, conn)
	}
}

func handle(id int, conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 4096)
	for {
		conn.SetReadDeadline(time.Now().Add(idle))
		n, err := conn.Read(buf)
		if err != nil {
			switch {
			case err == io.EOF:
				log.Printf("#%d closed by client", id)
			case errors.Is(err, os.ErrDeadlineExceeded):
				log.Printf("#%d silent for %s, closing it", id, idle)
			default:
				log.Printf("#%d read failed: %v", id, err)
			}
			return
		}
		// Bytes from the network are untrusted, so print them with %q:
		// control bytes come out escaped instead of reaching the terminal.
		log.Printf("#%d read %d bytes: %q", id, n, buf[:n])

		// TCP is full duplex: we answer on the very socket we read from.
		// We answer each read, not each "message": TCP keeps no message
		// boundaries, so two lines pasted at once may be one read and get
		// one reply.
		if _, err := conn.Write([]byte(reply)); err != nil {
			log.Printf("#%d write failed: %v", id, err)
			return
		}
		log.Printf("#%d sent %d bytes: %q", id, len(reply), reply)
	}
}

// listenAddr is where the server listens: localhost (this machine only),
// on the port in $PORT, or 3001 when it is unset. (tubes itself uses 3000,
// so both can run at once.)
func listenAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	return "localhost:" + port
}
