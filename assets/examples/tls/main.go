// tls is the server of the tls lesson: the hello server of http-response
// behind TLS. At start-up it makes its own certificate (self-signed,
// ECDSA P-256, for localhost, 127.0.0.1, ::1 and secret.example); the TLS
// layer from crypto/tls does the handshake and the encryption, and the
// HTTP inside is written by hand as before.
//
//	go run ./assets/examples/tls
//	curl -vk https://localhost:3001/
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"strconv"
	"time"
)

const body = "Hello, world! 🎉"

var response = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	body

func main() {
	log.SetOutput(os.Stdout)
	log.SetFlags(log.Ltime)

	cert, err := selfSigned()
	if err != nil {
		log.Fatal("making a certificate: ", err)
	}
	config := &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"http/1.1"}, // ALPN: we speak HTTP/1.1, not h2
		MinVersion:   tls.VersionTLS12,
	}
	// A plain TCP listener; each accepted socket is wrapped in TLS.
	ln, err := net.Listen("tcp", listenAddr())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr(), "(TLS)")

	for id := 1; ; id++ {
		conn, err := ln.Accept()
		if err != nil {
			log.Print("accept: ", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(id, tls.Server(conn, config))
	}
}

func handle(id int, conn *tls.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := conn.Handshake(); err != nil {
		log.Printf("#%d TLS handshake failed: %v", id, err)
		return
	}
	st := conn.ConnectionState()
	// The server name came from the network: %q escapes it.
	log.Printf("#%d %s, %s, SNI %q, ALPN %q", id, tls.VersionName(st.Version),
		tls.CipherSuiteName(st.CipherSuite), st.ServerName, st.NegotiatedProtocol)

	head, err := readHead(conn)
	if err != nil {
		log.Printf("#%d no whole request came: %v", id, err)
		return
	}
	line, _, _ := bytes.Cut(head, []byte("\r\n"))
	log.Printf("#%d decrypted request: %q", id, line)
	if _, err := io.WriteString(conn, response); err != nil {
		log.Printf("#%d write failed: %v", id, err)
		return
	}
	// close_notify first: the encrypted way to say "no more from me".
	conn.CloseWrite()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
}

// readHead reads up to and including the empty line that ends a request's
// head, at most 8 KiB.
func readHead(r io.Reader) ([]byte, error) {
	var head []byte
	buf := make([]byte, 1024)
	for !bytes.Contains(head, []byte("\r\n\r\n")) {
		if len(head) > 8<<10 {
			return nil, errors.New("request head too long")
		}
		n, err := r.Read(buf)
		head = append(head, buf[:n]...)
		if err != nil {
			return nil, err
		}
	}
	return head, nil
}

// selfSigned makes a key and a certificate that signs itself. No
// authority vouches for it, so clients must be told to accept it (curl -k).
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "secret.example"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func listenAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3001"
	}
	return "localhost:" + port
}
