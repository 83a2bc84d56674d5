// Starter for the tls lesson: the hello server behind TLS.
// It runs and accepts connections; the lesson's work is yours (the TODOs).
//
//	PORT=3001 go run .
//	tubes check --lesson tls --target localhost:3001
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
	// TODO: Make a self-signed certificate at start-up: an ECDSA P-256 key
	//       (crypto/ecdsa), and x509.CreateCertificate with the same
	//       template as parent, DNSNames localhost and secret.example,
	//       IPAddresses 127.0.0.1 and ::1.
	// TODO: Put it in a tls.Config, with NextProtos ["http/1.1"].
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
		// TODO: Wrap conn with tls.Server(conn, config) and use that instead:
		//       reads then return decrypted bytes, writes are encrypted.
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
		// Without TLS these are the ClientHello's bytes: 16 03 01 ...
		// %q escapes them: they came from the network.
		log.Printf("read %d bytes: %q", n, buf[:n])

		// TODO: Once the request's head has arrived ("\r\n\r\n"), write the
		//       hello response of the http-response lesson and close.
	}
}
