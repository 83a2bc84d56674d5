package behaviors

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
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// SecretName is the server name the tls lesson has curl send (with
// --resolve, so it reaches this machine): the name shows in the clear in
// the ClientHello though the rest is encrypted.
const SecretName = "secret.example"

// DecryptedAgent comes, in every language, between the request line and
// the User-Agent in the note TLSHello writes about each request once it
// is decrypted (srv.tls.decrypted): what only the server sees. The
// Decrypted goal finds the note by it.
const DecryptedAgent = " · User-Agent: "

// TLSCertificate is the server's certificate: self-signed, ECDSA P-256,
// valid for localhost, 127.0.0.1, ::1 and SecretName. It is made once,
// the first time it is needed, and lives only in memory.
var TLSCertificate = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "tubes lesson server", Organization: []string{"tubes"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", SecretName},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
})

// TLSHello is HTTPHello behind TLS. The connection's events see the raw
// TCP bytes, so the bytes pane shows the handshake and then ciphertext:
// the TLS layer reads and writes through the instrumented connection.
// Notes name what the ClientHello said in the clear, what the handshake
// settled, and the request as only the server sees it after decryption.
type TLSHello struct{ Idle time.Duration }

func (TLSHello) Name() string { return "tls-hello" }

func (b TLSHello) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	cert, err := TLSCertificate()
	if err != nil {
		c.Say(say("srv.tls.nocert", err.Error()))
		return
	}
	first, hello, err := readClientHello(c)
	if err != nil {
		if looksLikeHTTP(first) {
			// http:// to an https:// server: say so in plain HTTP.
			body := say("srv.tls.usehttps").Say(c.Words()) + "\n"
			_ = respond(c, 400, plainText, []byte(body), len(body), true)
			finish(c)
			return
		}
		if len(first) > 0 {
			c.Say(say("srv.tls.nothello", helloWhy(err)))
		}
		return
	}
	c.Say(hello.Describe())
	tc := tls.Server(&replayConn{Conn: c.NetConn(), pending: first}, &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"http/1.1"},
		MinVersion:   tls.VersionTLS12,
	})
	if err := tc.Handshake(); err != nil {
		c.Say(say("srv.tls.failed", err.Error()))
		return
	}
	st := tc.ConnectionState()
	var alpn any = st.NegotiatedProtocol
	if st.NegotiatedProtocol == "" {
		alpn = say("srv.none")
	}
	c.Say(say("srv.tls.done", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), alpn))
	var buf []byte
	req, err := httpwire.ReadRequest(tc, &buf, httpwire.Limits{MaxHeaderBytes: c.StartHeader()})
	c.HeaderDone()
	if err != nil {
		var pe *httpwire.ParseError
		if errors.As(err, &pe) {
			_, _ = tc.Write(plainResponse(pe.Status, pe.Reason.Say(c.Words())+"\n"))
			_ = tc.CloseWrite()
			finish(c)
		}
		return
	}
	ua, _ := req.Get("User-Agent")
	c.Say(say("srv.tls.decrypted", req.Method+" "+req.Target+" "+req.Version+DecryptedAgent+ua))
	if _, err := tc.Write(HelloResponse); err != nil {
		return
	}
	_ = tc.CloseWrite() // close_notify: the encrypted way to say "no more"
	finish(c)
}

// helloWhy is why bytes are not a ClientHello: the parser's Phrase, or
// the read's error.
func helloWhy(err error) any {
	var he *HelloError
	if errors.As(err, &he) {
		return he.Reason
	}
	return err.Error()
}

// readClientHello reads until the ClientHello is complete (or is not one)
// and returns the bytes read, for the TLS layer to read again.
func readClientHello(c *netcore.Conn) ([]byte, ClientHello, error) {
	var got []byte
	buf := make([]byte, 4096)
	for {
		h, err := ParseClientHello(got)
		if !errors.Is(err, ErrHelloIncomplete) {
			return got, h, err
		}
		if len(got) >= maxHello || looksLikeHTTP(got) {
			return got, h, helloErr("srv.tls.hello.none")
		}
		n, rerr := c.Read(buf)
		got = append(got, buf[:n]...)
		if rerr != nil {
			return got, h, rerr
		}
	}
}

// looksLikeHTTP: the bytes start like an HTTP request line.
func looksLikeHTTP(b []byte) bool {
	for _, m := range []string{"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "PATCH "} {
		if bytes.HasPrefix(b, []byte(m)) {
			return true
		}
	}
	return false
}

// plainResponse is a short text response that closes.
func plainResponse(status int, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body)
	return []byte(b.String())
}

// replayConn hands the bytes already read to the next reader first.
type replayConn struct {
	net.Conn
	pending []byte
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		return n, nil
	}
	return r.Conn.Read(p)
}
