// compression is the server of the compression lesson: it answers with a
// text of 32 lines, gzip-compressed when the request's Accept-Encoding
// allows gzip, as it is otherwise, and always with Vary: Accept-Encoding.
//
//	go run ./assets/examples/compression
//	curl -v --compressed http://localhost:3001/
//	curl -v -H 'Accept-Encoding: gzip;q=0, identity' http://localhost:3001/
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	idle       = 10 * time.Second // time a client has to send its request
	maxLine    = 8 << 10          // bytes in one line of a request head
	maxHeaders = 100              // header lines in one request
)

// text repeats itself, as HTML, JSON and logs do: gzip makes it small.
var text = func() []byte {
	var b strings.Builder
	for i := 1; i <= 32; i++ {
		fmt.Fprintf(&b, "Line %02d of 32: text repeats itself, and gzip sends each repeat as a short pointer back.\n", i)
	}
	return []byte(b.String())
}()

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(conn)
	}
}

func handle(conn net.Conn) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(idle))
	r := bufio.NewReaderSize(conn, maxLine)
	method, headers, err := readHead(r)
	if err != nil {
		log.Printf("bad request: %v", err)
		respond(conn, "GET", 400, nil, []byte(err.Error()+"\n"))
		closePolitely(conn, r)
		return
	}
	if method != "GET" && method != "HEAD" {
		respond(conn, method, 405, [][2]string{{"Allow", "GET, HEAD"}}, []byte("405: only GET and HEAD here\n"))
		closePolitely(conn, r)
		return
	}
	ae, asked := headers["accept-encoding"]
	hdrs := [][2]string{{"Vary", "Accept-Encoding"}}
	body := text
	if asked && acceptsGzip(ae) {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(text)
		w.Close() // the end of the stream: without it the client cannot decode
		body = b.Bytes()
		hdrs = append(hdrs, [2]string{"Content-Encoding", "gzip"})
	}
	// The header came from the network: %q escapes control bytes.
	log.Printf("Accept-Encoding %q → %d of %d bytes", ae, len(body), len(text))
	respond(conn, method, 200, hdrs, body)
	closePolitely(conn, r)
}

// acceptsGzip reads an Accept-Encoding list like "br;q=1.0, gzip;q=0.8":
// gzip is sent when it (or *) has a weight above 0, no lower than that of
// identity when identity (or *) is weighed at all.
func acceptsGzip(list string) bool {
	weights := map[string]float64{}
	for _, entry := range strings.Split(list, ",") {
		name, params, _ := strings.Cut(entry, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		if k, v, ok := strings.Cut(params, "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			var err error
			if q, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || q < 0 || q > 1 {
				continue // a weight we cannot read: skip the entry
			}
		}
		if _, seen := weights[name]; name != "" && !seen {
			weights[name] = q
		}
	}
	weight := func(name string) float64 {
		if q, ok := weights[name]; ok {
			return q
		}
		return weights["*"] // 0 when there is no * either
	}
	gz := max(weight("gzip"), weights["x-gzip"])
	return gz > 0 && gz >= weight("identity")
}

// respond writes one response, with its length, and Connection: close.
func respond(w io.Writer, method string, status int, headers [][2]string, body []byte) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, map[int]string{200: "OK", 400: "Bad Request", 405: "Method Not Allowed"}[status])
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n")
	if method != "HEAD" {
		b.Write(body)
	}
	io.WriteString(w, b.String())
}

// readHead reads the request line and the header lines (names in lower
// case). This server answers GET and HEAD, which have no body.
func readHead(r *bufio.Reader) (method string, headers map[string]string, err error) {
	line, err := readLine(r)
	if err != nil {
		return "", nil, err
	}
	parts := strings.Split(line, " ")
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/1.") {
		return "", nil, errors.New("a request line is METHOD TARGET HTTP/1.1")
	}
	headers = map[string]string{}
	hosts := 0
	for i := 0; ; i++ {
		text, err := readLine(r)
		if err != nil {
			return "", nil, err
		}
		if text == "" {
			break
		}
		if i == maxHeaders {
			return "", nil, errors.New("too many header lines")
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return "", nil, errors.New("a header line is Name: value")
		}
		name = strings.ToLower(name)
		if name == "host" {
			hosts++
		}
		headers[name] = strings.TrimSpace(value)
	}
	if hosts != 1 && parts[2] == "HTTP/1.1" {
		return "", nil, errors.New("an HTTP/1.1 request needs exactly one Host header")
	}
	return parts[0], headers, nil
}

// readLine reads one line and cuts off its \r\n; a line longer than
// maxLine is an error, not a way to make us hold more memory.
func readLine(r *bufio.Reader) (string, error) {
	raw, err := r.ReadSlice('\n')
	if err != nil {
		return "", err
	}
	text, ok := strings.CutSuffix(string(raw), "\r\n")
	if !ok {
		return "", errors.New(`lines must end in \r\n`)
	}
	return text, nil
}

// closePolitely sends our FIN first, then drops what the client still
// sends for up to 2 s, so the response is never lost to a reset.
func closePolitely(conn net.Conn, r *bufio.Reader) {
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, r)
}

// listenAddr is localhost:$PORT, 3001 when unset (tubes itself uses 3000).
func listenAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	return "localhost:" + port
}
