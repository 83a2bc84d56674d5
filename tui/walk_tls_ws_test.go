package tui

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// What the learner does outside the app in the tls and websocket
// lessons: curl -k with a server name, a browser over TLS, and a
// browser's WebSocket.
func init() {
	outside["tls/2"] = func(t *testing.T, a string) { tlsGet(t, a, behaviors.SecretName, "curl/8.5.0") }
	outside["tls/3"] = func(t *testing.T, a string) {
		tlsGet(t, a, "localhost", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")
	}
	outside["websocket/2"] = browserWebSocket
}

func tlsGet(t *testing.T, addr, name, agent string) {
	raw, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second))
	c := tls.Client(raw, &tls.Config{ServerName: name, NextProtos: []string{"h2", "http/1.1"}, InsecureSkipVerify: true})
	if _, err := io.WriteString(c, "GET /hidden/page HTTP/1.1\r\nHost: "+name+"\r\nUser-Agent: "+agent+"\r\n\r\n"); err != nil {
		t.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, c)
}

// browserWebSocket upgrades as a browser, says hello, waits for the echo
// and a tick, and closes as a closing tab does.
func browserWebSocket(t *testing.T, addr string) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: "+addr+"\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0\r\n"+
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n")
	r := bufio.NewReader(c)
	if resp, err := http.ReadResponse(r, nil); err != nil || resp.StatusCode != 101 {
		t.Errorf("upgrade: %v", err)
		return
	}
	key := [4]byte{1, 2, 3, 4}
	_, _ = c.Write(behaviors.AppendFrame(nil, true, behaviors.OpText, &key, []byte("Hello from the browser!")))
	var b []byte
	for frames := 0; frames < 2; {
		if _, n, err := behaviors.ParseFrame(b, behaviors.MaxFramePayload); err == nil {
			b, frames = b[n:], frames+1
			continue
		}
		x, err := r.ReadByte()
		if err != nil {
			t.Error(err)
			return
		}
		b = append(b, x)
	}
	_, _ = c.Write(behaviors.AppendFrame(nil, true, behaviors.OpClose, &key, behaviors.ClosePayload(behaviors.CloseGoingAway, "")))
	_, _ = io.Copy(io.Discard, r)
}
