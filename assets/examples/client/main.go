// client is the server of the client lesson. It shows the two ends of
// each connection, never writes, and reports who ended it: the client
// (a FIN or a reset) or the server itself, after 2 s of silence.
//
//	go run ./assets/examples/client
//	nc localhost 3001        (in another terminal; then Ctrl+C, or wait)
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"syscall"
	"time"
)

// patience is how long the server waits in silence before it hangs up.
// (In the lesson, only "The server hangs up" is this quick; its other steps
// wait 60 s.)
const patience = 2 * time.Second

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
		go handle(id, conn)
	}
}

func handle(id int, conn net.Conn) {
	defer conn.Close()
	start := time.Now()

	// Each end is an address and a port. Ours is the port we listen on;
	// the client's port is an ephemeral one its OS picked just for this
	// connection.
	log.Printf("#%d accepted: server end %s, client end %s", id, conn.LocalAddr(), conn.RemoteAddr())

	buf := make([]byte, 4096)
	for {
		conn.SetReadDeadline(time.Now().Add(patience))
		n, err := conn.Read(buf)
		if n > 0 {
			// Untrusted bytes: %q escapes control bytes before they reach
			// our terminal.
			log.Printf("#%d read %d bytes: %q", id, n, buf[:n])
		}
		if err == nil {
			continue
		}
		took := time.Since(start).Round(time.Millisecond)
		switch {
		case err == io.EOF:
			// The client sent a FIN: an orderly "no more bytes from me".
			// Our read returns end-of-file, and we close our side too.
			log.Printf("#%d closed by client after %s", id, took)
		case errors.Is(err, syscall.ECONNRESET):
			// The client sent a RST: the connection was torn down at once.
			log.Printf("#%d closed by client (reset) after %s", id, took)
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Nobody said anything for a while, so we leave first: the
			// deferred Close sends our FIN, and the client reads EOF.
			log.Printf("#%d closed by server after %s of silence", id, patience)
		default:
			log.Printf("#%d read failed after %s: %v", id, took, err)
		}
		return
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
