package probe

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashOnEmpty is a learner's server that splits the request it reads and
// dies when a connection brings no bytes: it stops listening.
func crashOnEmpty(t *testing.T, resp string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			n, _ := c.Read(buf)
			if n == 0 {
				_ = c.Close()
				_ = l.Close() // "TypeError: cannot read properties of undefined"
				return
			}
			_, _ = c.Write([]byte(resp))
			closePolitely(c)
		}
	}()
	t.Cleanup(func() { _ = l.Close(); wg.Wait() })
	return l.Addr().String()
}

// The check opens no connection it does not show: a server that crashes
// on an empty connection passes, since no probe sends nothing (before,
// a silent "is it up?" connection crashed it and GET / was blamed).
func TestCheckOpensNoSilentConnection(t *testing.T) {
	t.Parallel()
	resp := probeHead + "Content-Length: 2\r\nConnection: close\r\n\r\nhi"
	addr := crashOnEmpty(t, resp)
	rep := probeCheck(t, "content-length", probeOpts(addr))
	if !rep.Pass() {
		t.Fatalf("a server that dies on an empty connection failed:\n%s", probeText(t, rep))
	}
}

// A server that stops partway is named at the probe that found it gone,
// with the probe it stopped after; the rest are not checked.
func TestCheckServerStopsMidRun(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		var pending []byte
		readProbeReq(c, &pending)
		_, _ = c.Write([]byte(probeHead + "Content-Length: 2\r\nConnection: close\r\n\r\nhi"))
		_ = l.Close() // then it crashes
		closePolitely(c)
	}()
	t.Cleanup(func() { _ = l.Close() })
	opt := probeOpts(l.Addr().String())
	rep := probeCheck(t, "routing", opt)
	time.Sleep(0)
	r := wantFail(t, rep, "GET /time is answered with 200", NotListening, "it was listening when the check began and stopped after probe 1")
	if !strings.Contains(r.Reason, "any more") {
		t.Errorf("reason %q", r.Reason)
	}
	for _, r := range rep.Results[2:] {
		if r.Kind != NotChecked || r.Verdict() != VerdictSkip || !strings.Contains(r.Reason, "see probe 2") {
			t.Errorf("%q: kind %s, reason %q", r.Name, r.Kind, r.Reason)
		}
	}
}
