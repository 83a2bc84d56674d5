// tcp-accept is the server of the tcp-accept lesson: it accepts
// connections and reads whatever arrives, but never writes a byte back.
//
//	go run ./assets/examples/tcp-accept
//	nc localhost 3001        (in another terminal; type hi and Enter)
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

// idle is how long a connection may stay silent before we close it. (The
// lesson's steps use 10 s, 2 min and 3 s; this is the last step's.)
const idle = 3 * time.Second

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime) // each line starts with the time of day

	// Listen asks the OS for the port. From now on the kernel answers the
	// TCP handshakes by itself and queues the finished connections for us.
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())

	// The accept loop: take the next connection from the queue, give it
	// its own goroutine, and come straight back for the next one.
	for id := 1; ; id++ {
		conn, err := ln.Accept()
		if err != nil {
			// Rare, e.g. out of file descriptors: wait a little, try again.
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		log.Printf("#%d accepted %s", id, conn.RemoteAddr())
		go handle(id, conn)
	}
}

// handle reads until the client closes or goes quiet. It never writes.
func handle(id int, conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 4096)
	for {
		// A read waits for bytes, forever if we let it. The deadline says
		// "at most idle from now". We set it again before every read, so it
		// measures silence, not the age of the connection.
		conn.SetReadDeadline(time.Now().Add(idle))
		n, err := conn.Read(buf)
		if n > 0 {
			// Bytes from the network are untrusted: anyone who can reach
			// the port picks them, and a raw control byte could steer our
			// terminal. %q prints them quoted, with \r, \n and every
			// other control byte escaped.
			log.Printf("#%d read %d bytes: %q", id, n, buf[:n])
		}
		switch {
		case err == nil:
			continue
		case err == io.EOF:
			log.Printf("#%d closed by client", id)
		case errors.Is(err, os.ErrDeadlineExceeded):
			log.Printf("#%d silent for %s, closing it", id, idle)
		default:
			log.Printf("#%d read failed: %v", id, err)
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
