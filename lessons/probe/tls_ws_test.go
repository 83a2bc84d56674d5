package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The tls and websocket probes against the lesson's own servers, which
// pass, and against broken servers written here, which fail for the
// right reason.

func init() {
	setOf["tls"] = TLS
	setOf["websocket"] = WebSocket
}

// lessonServer runs a lesson behavior on loopback.
func lessonServer(t *testing.T, b netcore.Behavior) string {
	t.Helper()
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := netcore.Listen(cfg, b, netcore.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s.Addrs()[0].String()
}

func TestProbeTLSPassesTheLessonServer(t *testing.T) {
	rep := probeCheck(t, "tls", probeOpts(lessonServer(t, behaviors.TLSHello{})))
	if !rep.Pass() {
		t.Fatalf("the lesson's own server fails:\n%s", probeText(t, rep))
	}
	if r := probeResult(t, rep, "completes a TLS handshake"); !strings.Contains(r.Note, "ALPN http/1.1") {
		t.Errorf("note %q", r.Note)
	}
	// Sent and Received are the plaintext inside the tunnel.
	if r := probeResult(t, rep, "answers GET / over TLS"); !bytes.Equal(r.Received, behaviors.HelloResponse) {
		t.Errorf("received %q", r.Received)
	}
}

// tlsWith serves TLS with the lesson's certificate and config changes,
// then runs answer on the decrypted connection.
func tlsWith(t *testing.T, protos []string, answer func(c *tls.Conn)) string {
	cert, err := behaviors.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: protos}
	return startProbeServer(t, func(raw net.Conn) {
		c := tls.Server(raw, cfg)
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if c.Handshake() == nil {
			answer(c)
		}
	})
}

func TestProbeTLSClassicMistakes(t *testing.T) {
	t.Run("plain HTTP", func(t *testing.T) {
		addr := startProbeServer(t, func(c net.Conn) {
			_, _ = c.Read(make([]byte, 4096))
			_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
			closePolitely(c)
		})
		rep := probeCheck(t, "tls", probeOpts(addr))
		wantFail(t, rep, "completes a TLS handshake", Wrong, "plain HTTP", "wrap the accepted socket in TLS")
		wantFail(t, rep, "answers GET / over TLS", NotChecked, "not checked") // knock-on: SKIP
	})
	t.Run("reads and never answers", func(t *testing.T) {
		rep := probeCheck(t, "tls", probeOpts(startProbeServer(t, holdOpen)))
		wantFail(t, rep, "completes a TLS handshake", TimedOut, "did not answer the ClientHello")
	})
	t.Run("h2 chosen", func(t *testing.T) {
		rep := probeCheck(t, "tls", probeOpts(tlsWith(t, []string{"h2"}, func(c *tls.Conn) { _, _ = io.Copy(io.Discard, c) })))
		wantFail(t, rep, "completes a TLS handshake", Wrong, "ALPN h2")
	})
	t.Run("handshake, then no response", func(t *testing.T) {
		rep := probeCheck(t, "tls", probeOpts(tlsWith(t, nil, func(c *tls.Conn) { _, _ = c.Read(make([]byte, 4096)) })))
		if r := probeResult(t, rep, "completes a TLS handshake"); !r.Pass {
			t.Errorf("handshake: %s", r.Reason)
		}
		wantFail(t, rep, "answers GET / over TLS", ClosedEarly, "without replying")
	})
}

func TestProbeWebSocketPassesTheLessonServer(t *testing.T) {
	rep := probeCheck(t, "websocket", probeOpts(lessonServer(t, behaviors.WebSocket{Tick: 20 * time.Millisecond})))
	if !rep.Pass() {
		t.Fatalf("the lesson's own server fails:\n%s", probeText(t, rep))
	}
}

// wsBroken upgrades with accept(key) as the accept value and then runs
// after on the connection.
func wsBroken(t *testing.T, accept func(key string) string, after func(c net.Conn, r *bufio.Reader)) string {
	return startProbeServer(t, func(c net.Conn) {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		key := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if k, ok := strings.CutPrefix(line, "Sec-WebSocket-Key: "); ok {
				key = strings.TrimSpace(k)
			}
			if line == "\r\n" {
				break
			}
		}
		_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+accept(key)+"\r\n\r\n")
		after(c, r)
	})
}

// readClientFrame reads one masked frame from the probe.
func readClientFrame(r *bufio.Reader) (behaviors.Frame, bool) {
	var b []byte
	for {
		if f, _, err := behaviors.ParseFrame(b, 1<<20); err == nil {
			return f, true
		}
		c, err := r.ReadByte()
		if err != nil {
			return behaviors.Frame{}, false
		}
		b = append(b, c)
	}
}

func TestProbeWebSocketClassicMistakes(t *testing.T) {
	t.Run("a hard-coded accept", func(t *testing.T) {
		addr := wsBroken(t, func(string) string { return "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" }, func(net.Conn, *bufio.Reader) {})
		rep := probeCheck(t, "websocket", probeOpts(addr))
		wantFail(t, rep, "upgrades with the right Sec-WebSocket-Accept", Wrong, "base64(SHA-1(key + "+behaviors.WebSocketGUID+"))")
	})
	t.Run("a masked echo", func(t *testing.T) {
		addr := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
			if f, ok := readClientFrame(r); ok {
				_, _ = c.Write(behaviors.AppendFrame(nil, true, f.Opcode, &[4]byte{1, 2, 3, 4}, f.Payload))
			}
		})
		rep := probeCheck(t, "websocket", probeOpts(addr))
		wantFail(t, rep, "echoes a masked text frame", Malformed, "MASK bit")
	})
	t.Run("an echo still masked", func(t *testing.T) {
		addr := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
			if f, ok := readClientFrame(r); ok {
				for i := range f.Payload { // mask it again: the bytes as they came
					f.Payload[i] ^= f.Key[i%4]
				}
				_, _ = c.Write(behaviors.AppendFrame(nil, true, f.Opcode, nil, f.Payload))
				_, _ = io.Copy(io.Discard, r)
			}
		})
		rep := probeCheck(t, "websocket", probeOpts(addr))
		wantFail(t, rep, "echoes a masked text frame", TimedOut, "no text frame came back")
	})
	t.Run("hangs up instead of a close frame", func(t *testing.T) {
		addr := wsBroken(t, behaviors.AcceptKey, func(c net.Conn, r *bufio.Reader) {
			if f, ok := readClientFrame(r); ok {
				_, _ = c.Write(behaviors.AppendFrame(nil, true, f.Opcode, nil, f.Payload))
			}
			readClientFrame(r) // the close frame
		})
		rep := probeCheck(t, "websocket", probeOpts(addr))
		wantFail(t, rep, "answers a close frame with a close frame", ClosedEarly, "without a close frame")
	})
	t.Run("no upgrade at all", func(t *testing.T) {
		rep := probeCheck(t, "websocket", probeOpts(startProbeServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", true))))
		wantFail(t, rep, "upgrades with the right Sec-WebSocket-Accept", Wrong, "HTTP/1.1 200 OK", "101 Switching Protocols")
	})
}
