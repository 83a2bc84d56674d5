// files is the server of the files lesson: it serves the files of one
// folder (public/, next to this file), each with the Content-Type of its
// name, Last-Modified and 304 Not Modified, and refuses every path that
// climbs out of the folder.
//
//	go run ./assets/examples/files
//	curl -v http://localhost:3001/tubes.png -o /dev/null
//	curl -v --path-as-is http://localhost:3001/../../etc/passwd     (403)
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const (
	idle       = 10 * time.Second // time a client has to send its request
	maxLine    = 8 << 10          // bytes in one line of a request head
	maxHeaders = 100              // header lines in one request
)

// types maps a name's ending to its Content-Type: the ending is all a file
// server goes by. Anything else is sent as plain bytes.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
}

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	// os.Root opens files only inside the folder: no name, .. or
	// symbolic link can reach a file outside it.
	root, err := os.OpenRoot(folder())
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr(), "serving", root.Name())
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(conn, root)
	}
}

// folder is $FILES_DIR, or the public/ folder next to this source file.
func folder() string {
	if dir := os.Getenv("FILES_DIR"); dir != "" {
		return dir
	}
	_, src, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(src), "public")
}

func handle(conn net.Conn, root *os.Root) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(idle))
	r := bufio.NewReaderSize(conn, maxLine)
	method, target, headers, err := readHead(r)
	if err != nil {
		log.Printf("bad request: %v", err)
		respond(conn, "GET", 400, nil, []byte(err.Error()+"\n"))
		closePolitely(conn, r)
		return
	}
	status, hdrs, body := serve(root, method, target, headers)
	// The target came from the network: %q escapes control bytes.
	log.Printf("%s %q → %d", method, target, status)
	respond(conn, method, status, hdrs, body)
	closePolitely(conn, r)
}

// serve answers one request from the folder.
func serve(root *os.Root, method, target string, headers map[string]string) (int, [][2]string, []byte) {
	if method != "GET" && method != "HEAD" {
		return 405, [][2]string{{"Allow", "GET, HEAD"}}, []byte("405: only GET and HEAD here\n")
	}
	raw, _, _ := strings.Cut(target, "?")
	name, err := unescape(raw)
	cleaned := path.Clean("/" + strings.ReplaceAll(name, `\`, "/"))
	// Refuse before opening anything: .. (also as %2e%2e or ..%2f once
	// decoded), backslashes (a separator on Windows), NUL bytes.
	if err != nil || strings.ContainsAny(name, "\\\x00") || containsDotDot(name) {
		body := fmt.Sprintf("403 Forbidden: only files inside the folder.\nraw target:   %q\ncleaned path: %q\n", target, cleaned)
		return 403, nil, []byte(body)
	}
	if cleaned == "/" {
		cleaned = "/index.html"
	}
	f, err := root.Open(strings.TrimPrefix(cleaned, "/"))
	if err != nil {
		return 404, nil, []byte(fmt.Sprintf("404: no file %q in the folder\n", cleaned))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return 404, nil, []byte(fmt.Sprintf("404: no file %q in the folder\n", cleaned))
	}
	// HTTP dates have whole seconds: compare at that precision.
	modified := info.ModTime().UTC().Truncate(time.Second)
	lastModified := [2]string{"Last-Modified", modified.Format(http.TimeFormat)}
	if since, err := http.ParseTime(headers["if-modified-since"]); err == nil && !modified.After(since) {
		return 304, [][2]string{lastModified}, nil
	}
	body, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return 500, nil, []byte("500: the file could not be read\n")
	}
	ct, ok := types[path.Ext(cleaned)]
	if !ok {
		ct = "application/octet-stream"
	}
	return 200, [][2]string{{"Content-Type", ct}, lastModified}, body
}

func containsDotDot(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// unescape decodes %XX in a path.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("a % must be followed by two hex digits")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", errors.New("a % must be followed by two hex digits")
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), nil
}

// respond writes one response and says Connection: close. A HEAD gets the
// head GET would get, and no body; a 304 has no body and no length.
func respond(w io.Writer, method string, status int, headers [][2]string, body []byte) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if status != 304 {
		if len(headers) == 0 || headers[0][0] != "Content-Type" {
			b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		}
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if method != "HEAD" {
		b.Write(body)
	}
	io.WriteString(w, b.String())
}

// readHead reads the request line and the header lines (names in lower
// case). This server answers GET and HEAD, which have no body.
func readHead(r *bufio.Reader) (method, target string, headers map[string]string, err error) {
	line, err := readLine(r)
	if err != nil {
		return "", "", nil, err
	}
	parts := strings.Split(line, " ")
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "/") || !strings.HasPrefix(parts[2], "HTTP/1.") {
		return "", "", nil, errors.New("a request line is METHOD /TARGET HTTP/1.1")
	}
	headers = map[string]string{}
	hosts := 0
	for i := 0; ; i++ {
		text, err := readLine(r)
		if err != nil {
			return "", "", nil, err
		}
		if text == "" {
			break
		}
		if i == maxHeaders {
			return "", "", nil, errors.New("too many header lines")
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return "", "", nil, errors.New("a header line is Name: value")
		}
		name = strings.ToLower(name)
		if name == "host" {
			hosts++
		}
		headers[name] = strings.TrimSpace(value)
	}
	if hosts != 1 && parts[2] == "HTTP/1.1" {
		return "", "", nil, errors.New("an HTTP/1.1 request needs exactly one Host header")
	}
	return parts[0], parts[1], headers, nil
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
