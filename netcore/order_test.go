package netcore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestCauseBeforeEffect: a write on one end and the read of those bytes on
// the other, many times over, while a reader drains the inbox as fast as it
// can (the UI drains on a tick). The write's event must always come first,
// and be stamped no later than the read, in either direction.
func TestCauseBeforeEffect(t *testing.T) {
	inbox := NewInbox(1 << 16)
	s, err := Listen(defaultsAt("127.0.0.1:0"), pingPong{}, inbox)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	var seen []Event
	var mu sync.Mutex
	stop := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			batch := inbox.Drain()
			mu.Lock()
			seen = append(seen, batch...)
			mu.Unlock()
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	cl := NewClient(inbox)
	c, err := cl.Dial(ctx, v4Addr(t, s))
	if err != nil {
		t.Fatal(err)
	}
	const rounds = 2000
	buf := make([]byte, 64)
	for i := 0; i < rounds; i++ {
		if _, err := c.Write([]byte{'a'}); err != nil {
			t.Fatal(err)
		}
		for got := 0; got < len(pongReply); {
			n, err := c.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	}
	_ = c.Close()
	time.Sleep(50 * time.Millisecond)
	close(stop)
	<-drained
	seen = append(seen, inbox.Drain()...)

	// Where each byte was written and read, by direction and offset.
	type at struct {
		pos int
		ev  Event
	}
	written := map[string]at{}
	for i, e := range seen {
		if e.Kind != Sent {
			continue
		}
		for k := e.Offset; k < e.Offset+int64(e.Count); k++ {
			written[fmt.Sprint(e.Source, k)] = at{i, e}
		}
	}
	bad := 0
	for i, e := range seen {
		if e.Kind != Recv {
			continue
		}
		other := FromServer
		if e.Source == FromServer {
			other = FromClient
		}
		for k := e.Offset; k < e.Offset+int64(e.Count); k++ {
			w, ok := written[fmt.Sprint(other, k)]
			switch {
			case !ok:
				t.Fatalf("recv at %d (byte %d) has no matching sent", i, k)
			case w.pos > i || w.ev.Time.After(e.Time):
				if bad++; bad <= 3 {
					t.Errorf("event %d %s\n comes before (or is stamped before) its cause, event %d %s",
						i, TranscriptLine(e), w.pos, TranscriptLine(w.ev))
				}
				k = e.Offset + int64(e.Count) // one report per read
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d reads shown before their write, in %d rounds", bad, rounds)
	}
}
