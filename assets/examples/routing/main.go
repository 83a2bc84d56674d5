// routing is the server of the routing lesson, built on net/http. A
// router picks the code that answers by the method and the path:
//
//	GET  /       a welcome text
//	GET  /time   the current time (RFC 3339, UTC)
//	POST /echo   your body, sent back
//
//	go run ./assets/examples/routing
//	curl -v http://localhost:3001/time
//	curl -v -X DELETE http://localhost:3001/time     (405, Allow: GET, HEAD)
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	// Since Go 1.22 a ServeMux pattern can name the method. "GET" also
	// matches HEAD (same headers, no body). "/{$}" is the path "/" only;
	// a bare "/" would match every path.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", welcome)
	mux.HandleFunc("GET /time", now)
	mux.HandleFunc("POST /echo", echo)

	// A path the mux knows, asked with the wrong method (DELETE /time),
	// gets 405 Method Not Allowed from the mux itself, with an Allow
	// header listing the methods that would work ("GET, HEAD").
	//
	// For unknown paths we want our own 404 page. Why not register a
	// catch-all "/" pattern for it? A pattern without a method matches
	// every method, so it would also catch DELETE /time, and the mux would
	// answer 404 where 405 is right. So we check the path first.
	known := map[string]bool{"/": true, "/time": true, "/echo": true}
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Method and path come from the network: %q escapes control bytes.
		log.Printf("%s asks %q %q", r.RemoteAddr, r.Method, r.URL.Path)
		if !known[r.URL.Path] {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})

	srv := &http.Server{
		Handler: site,
		// Timeouts, so a slow or silent client cannot hold a connection
		// forever. (Zero, the default, means "wait forever".)
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		// ConnState reports each connection's life: new, active, closed.
		ConnState: func(c net.Conn, state http.ConnState) {
			log.Printf("%s %s", c.RemoteAddr(), state)
		},
	}
	// Like the lesson's server: one request per connection, then close.
	srv.SetKeepAlivesEnabled(false)

	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	log.Fatal(srv.Serve(ln))
}

func welcome(w http.ResponseWriter, r *http.Request) {
	fmt.Fprint(w, "Welcome to the router!\nTry GET /time, or POST something to /echo.\n")
}

func now(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, time.Now().UTC().Format(time.RFC3339))
}

func echo(w http.ResponseWriter, r *http.Request) {
	// Read at most 1 MiB: the client picks the body's size, not us.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "the body is too large", http.StatusRequestEntityTooLarge)
		return
	}
	// The body comes back as it was sent, so it keeps the type it had.
	kind := r.Header.Get("Content-Type")
	if kind == "" {
		kind = "application/octet-stream" // "some bytes"
	}
	w.Header().Set("Content-Type", kind)
	w.Write(body)
}

// notFound says which route was missing: the status code is for programs,
// the text is for people.
func notFound(w http.ResponseWriter, r *http.Request) {
	http.Error(w, fmt.Sprintf("404: there is no route for %s %q", r.Method, r.URL.Path), http.StatusNotFound)
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
