// timeouts is the server of the timeouts lesson: net/http with the two
// clocks a real server needs, and a limit on open connections.
//
//	go run ./assets/examples/timeouts
//	curl -v http://localhost:3001/
//	nc localhost 3001        (send nothing: closed after 3 s, by ReadHeaderTimeout)
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// maxConns is how many connections we hold at once.
const maxConns = 20

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	srv := &http.Server{
		Handler: http.HandlerFunc(hello),
		// The whole request head must be in within 3 s of the request
		// starting, however the bytes trickle in. A slowloris client that
		// sends a byte a second is never silent, yet it cannot beat this
		// clock. It also ends a new connection that sends nothing at all:
		// in net/http that is this clock's job, so it goes after 3 s.
		ReadHeaderTimeout: 3 * time.Second,
		// After an answer, wait at most 5 s for the next request on the
		// same connection (keep-alive), then close it.
		IdleTimeout: 5 * time.Second,
		// Caps on the whole request, body included, and on the answer.
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		// Left at zero, ReadTimeout and WriteTimeout mean "wait forever";
		// a zero ReadHeaderTimeout or IdleTimeout takes ReadTimeout's
		// value, so with all four at zero nothing ever times out.
		ConnState: func(c net.Conn, state http.ConnState) {
			log.Printf("%s %s", c.RemoteAddr(), state)
		},
	}

	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	limited := &limitListener{Listener: ln, slots: make(chan struct{}, maxConns)}
	log.Fatal(srv.Serve(limited))
}

func hello(w http.ResponseWriter, r *http.Request) {
	// Method and path come from the network: %q escapes control bytes.
	log.Printf("%s asks %q %q", r.RemoteAddr, r.Method, r.URL.Path)
	fmt.Fprintln(w, "Hello! Your request arrived in time.")
}

// limitListener is a net.Listener that holds at most cap(slots)
// connections at once.
//
// slots is a buffered channel used as a counter of free places (a
// semaphore). Each open connection holds one slot: we put a value in when
// we accept it and take it out when it closes. A send to a full channel
// would block, so the select with a default case means "is there room
// right now?". If not, we refuse the newcomer at once (accept it, close
// it) instead of letting it wait in a queue.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}: // took a slot
			return &slotConn{Conn: conn, slots: l.slots}, nil
		default: // all slots taken
			log.Printf("%s refused: %d connections open", conn.RemoteAddr(), cap(l.slots))
			conn.Close()
		}
	}
}

// slotConn gives its slot back when it closes. net/http may call Close
// more than once, so sync.Once makes sure the slot is freed exactly once.
type slotConn struct {
	net.Conn
	slots chan struct{}
	once  sync.Once
}

func (c *slotConn) Close() error {
	c.once.Do(func() { <-c.slots })
	return c.Conn.Close()
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
