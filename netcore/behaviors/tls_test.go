package behaviors

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// tlsGet does what `curl -k --resolve NAME:PORT:127.0.0.1 https://NAME:PORT/target`
// does, on a real socket, and returns the decrypted response.
func tlsGet(t *testing.T, addr, name, target string, cfg *tls.Config) []byte {
	t.Helper()
	raw := dialRaw(t, "tcp", addr)
	if cfg == nil {
		cfg = &tls.Config{InsecureSkipVerify: true} // curl -k
	}
	cfg.ServerName = name
	cfg.NextProtos = []string{"h2", "http/1.1"}
	c := tls.Client(raw, cfg)
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: "+name+"\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"); err != nil {
		t.Fatalf("TLS request: %v", err)
	}
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("TLS response: %v (got %q)", err, got)
	}
	return got
}

func notes(es []netcore.Event) string {
	var b strings.Builder
	for _, e := range es {
		if e.Kind == netcore.Note {
			b.WriteString(e.Text + "\n")
		}
	}
	return b.String()
}

// The wire carries a ClientHello in the clear (its name and ALPN too),
// then only encrypted records: the path never appears in the raw bytes,
// only in the server's note after decryption.
func TestTLSHelloOnTheWire(t *testing.T) {
	s, col := startServer(t, defaultsAt("127.0.0.1:0"), TLSHello{})
	got := tlsGet(t, v4Addr(t, s), SecretName, "/a/hidden/path", nil)
	if !bytes.Equal(got, HelloResponse) {
		t.Fatalf("decrypted response %q, want %q", got, HelloResponse)
	}
	col.waitCount(1, "close", is(netcore.FromServer, netcore.Closed))
	var in, out []byte
	for _, e := range col.events {
		switch {
		case e.Kind == netcore.Recv:
			in = append(in, e.Data...)
		case e.Kind == netcore.Sent:
			out = append(out, e.Data...)
		}
	}
	if len(in) < 5 || in[0] != 0x16 || in[1] != 3 {
		t.Fatalf("the first bytes in are % x, want a handshake record 16 03 …", in[:min(len(in), 5)])
	}
	h, err := ParseClientHello(in)
	if err != nil || h.ServerName != SecretName || !slicesEqual(h.ALPN, []string{"h2", "http/1.1"}) {
		t.Errorf("ParseClientHello = %+v, %v; want SNI %s and ALPN h2, http/1.1", h, err, SecretName)
	}
	for _, secret := range []string{"/a/hidden/path", "Hello, world!", "curl/8.5.0"} {
		if bytes.Contains(in, []byte(secret)) || bytes.Contains(out, []byte(secret)) {
			t.Errorf("%q crossed the wire in the clear", secret)
		}
	}
	// After the ClientHello the client sends only change-cipher-spec
	// (a compatibility leftover) and encrypted application-data records.
	for _, typ := range recordTypes(in[5+h.RecordLen:]) {
		if typ != RecordChangeCipherSpec && typ != RecordApplicationData {
			t.Errorf("after the ClientHello the client sent a record of type %#x", typ)
		}
	}
	if !bytes.Contains(in, []byte(SecretName)) {
		t.Errorf("the server name %s is not in the clear on the wire", SecretName)
	}
	n := notes(col.events)
	for _, want := range []string{"ClientHello in the clear: record 16 03 01", "SNI " + SecretName, "ALPN h2, http/1.1",
		"TLS handshake done: TLS 1.3", "ALPN http/1.1", "decrypted request: GET /a/hidden/path HTTP/1.1" + DecryptedAgent + "curl/8.5.0"} {
		if !strings.Contains(n, want) {
			t.Errorf("notes lack %q:\n%s", want, n)
		}
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// The certificate verifies for every name the lesson uses, so a client
// that checks it (not -k) against it as a root accepts the server.
func TestTLSCertificateNames(t *testing.T) {
	cert, err := TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if cert.Leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key algorithm %v, want ECDSA", cert.Leaf.PublicKeyAlgorithm)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert.Leaf)
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), TLSHello{})
	for _, name := range []string{"localhost", SecretName, "127.0.0.1"} {
		got := tlsGet(t, v4Addr(t, s), name, "/", &tls.Config{RootCAs: roots})
		if !bytes.HasPrefix(got, []byte("HTTP/1.1 200 OK\r\n")) {
			t.Errorf("%s: %q", name, got)
		}
	}
	if err := cert.Leaf.VerifyHostname("::1"); err != nil {
		t.Errorf("::1: %v", err)
	}
}

// Plain HTTP sent to the TLS server gets a plain 400 that says why.
func TestTLSHelloAnswersPlainHTTP(t *testing.T) {
	s, _ := startServer(t, defaultsAt("127.0.0.1:0"), TLSHello{})
	c := dialRaw(t, "tcp", v4Addr(t, s))
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	got, _ := readToEnd(t, c)
	if firstLineOf(got) != "HTTP/1.1 400 Bad Request" || !bytes.Contains(got, []byte("https://")) {
		t.Errorf("plain HTTP got %q", got)
	}
}

// recordTypes walks TLS record headers.
func recordTypes(b []byte) []byte {
	var out []byte
	for len(b) >= 5 {
		out = append(out, b[0])
		n := 5 + (int(b[3])<<8 | int(b[4]))
		if n > len(b) {
			break
		}
		b = b[n:]
	}
	return out
}

// The parser reads bytes from anyone: it must never panic, and whatever
// it returns must be bounded.
func FuzzParseClientHello(f *testing.F) {
	f.Add([]byte{0x16, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Add(sampleHello(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseClientHello(b)
		if err == nil && len(h.ALPN) > 16 {
			t.Errorf("%d ALPN entries", len(h.ALPN))
		}
		checkSaid(t, h.Describe())
	})
}

// sampleHello is a real ClientHello from crypto/tls, captured on a pipe.
func sampleHello(tb testing.TB) []byte {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() {
		c := tls.Client(a, &tls.Config{ServerName: SecretName, NextProtos: []string{"h2", "http/1.1"}})
		_ = c.Handshake()
	}()
	buf := make([]byte, 0, 4096)
	for {
		tmp := make([]byte, 4096)
		_ = b.SetReadDeadline(time.Now().Add(waitLimit))
		n, err := b.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if _, perr := ParseClientHello(buf); perr == nil || err != nil {
			return buf
		}
	}
}

// A ClientHello split anywhere is incomplete until its last byte.
func TestParseClientHelloInPieces(t *testing.T) {
	full := sampleHello(t)
	for i := 0; i < len(full); i++ {
		if _, err := ParseClientHello(full[:i]); err != ErrHelloIncomplete {
			t.Fatalf("after %d of %d bytes: %v, want ErrHelloIncomplete", i, len(full), err)
		}
	}
	h, err := ParseClientHello(full)
	if err != nil || h.ServerName != SecretName {
		t.Fatalf("%+v, %v", h, err)
	}
}
