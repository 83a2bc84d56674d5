package netcore

import (
	"bytes"
	"io"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// A targeted hold catches only the chosen address's reply: a troublemaker
// who writes first is answered at once.
func TestHoldTargetsOneAddress(t *testing.T) {
	srv, col := startServer(t, defaultsAt("0.0.0.0:0"), pingPong{Idle: 5 * time.Second})
	port := srv.Port()
	student := netip.MustParseAddr("127.0.0.111")
	srv.HoldNextReplyTo(student)
	if armed, _ := srv.Holding(); !armed {
		t.Fatal("not armed")
	}
	other := dialRawFrom(t, "127.0.0.150", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	_, _ = other.Write([]byte("ping"))
	_ = other.SetReadDeadline(time.Now().Add(3 * time.Second))
	got := make([]byte, len(pongReply))
	if _, err := io.ReadFull(other, got); err != nil || !bytes.Equal(got, pongReply) {
		t.Fatalf("another address was held: %q %v", got, err)
	}
	c := dialRawFrom(t, "127.0.0.111", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	_, _ = c.Write([]byte("ping"))
	col.waitCount(1, "the held note", is(FromServer, Note))
	if h := srv.Hold(); h.Conn == 0 || h.Peer != student {
		t.Fatalf("hold %+v, want the student's connection", h)
	}
	srv.ReleaseReply()
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, pongReply) {
		t.Fatalf("after release: %q %v", got, err)
	}
}

// A held connection whose client hangs up frees the hold: it is not shown
// as held, nor armed, on a dead connection.
func TestHoldEndsWhenItsClientHangsUp(t *testing.T) {
	srv, col := startServer(t, defaultsAt("127.0.0.1:0"), pingPong{Idle: 30 * time.Second})
	srv.HoldNextReply()
	c := dialRaw(t, "tcp", v4Addr(t, srv))
	_, _ = c.Write([]byte("ping"))
	col.waitCount(1, "the held note", is(FromServer, Note))
	_ = c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if armed, conn := srv.Holding(); !armed && conn == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hold stayed on a closed connection")
		}
		time.Sleep(20 * time.Millisecond)
	}
	col.waitCount(1, "the close", is(FromServer, Closed))
}

// Block turns an address away for the rest of the session, with a refusal
// that says so; others still get in.
func TestBlockAddress(t *testing.T) {
	srv, col := startServer(t, defaultsAt("0.0.0.0:0"), pingPong{Idle: 5 * time.Second})
	srv.Block(netip.MustParseAddr("127.0.0.140"))
	c := dialRawFrom(t, "127.0.0.140", net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port())))
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, _ = io.ReadAll(c)
	r := col.waitCount(1, "the refusal", is(FromServer, Refused))[0]
	if r.Text != "blocked for this session" {
		t.Fatalf("refusal %q", r.Text)
	}
	ok := dialRawFrom(t, "127.0.0.141", net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port())))
	_, _ = ok.Write([]byte("ping"))
	_ = ok.SetReadDeadline(time.Now().Add(3 * time.Second))
	got := make([]byte, len(pongReply))
	if _, err := io.ReadFull(ok, got); err != nil {
		t.Fatalf("an address not blocked: %v", err)
	}
}
