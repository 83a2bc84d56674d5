package probe

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// A probe has a deadline of its own and a check has one in all, so a
// server that never stops sending cannot hold tubes check forever; and a
// reply is read as a stream, so a long valid one is judged in full.

// dripServer answers a request with a response that never ends: one
// byte every 200ms, faster than any quiet wait.
func dripServer(c net.Conn) {
	var pending []byte
	if _, ok := readProbeReq(c, &pending); !ok {
		return
	}
	resp := []byte(probeHead + "Content-Length: 100000\r\n\r\n" + strings.Repeat("x", 100000))
	for _, b := range resp {
		if _, err := c.Write([]byte{b}); err != nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runWithin runs lesson's probes and fails the test when they take longer
// than limit, instead of waiting for them.
func runWithin(t *testing.T, lesson string, opt Options, limit time.Duration) (*Report, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type done struct {
		rep *Report
		err error
	}
	ch := make(chan done, 1)
	start := time.Now()
	go func() {
		rep, err := Run(ctx, lesson, setOf[lesson], opt)
		ch <- done{rep, err}
	}()
	select {
	case d := <-ch:
		if d.err != nil {
			t.Fatalf("Run: %v", d.err)
		}
		return d.rep, time.Since(start)
	case <-time.After(limit):
		cancel()
		<-ch
		t.Fatalf("tubes check %s still running after %s", lesson, limit)
	}
	return nil, 0
}

func TestCheckDripServerHitsProbeDeadline(t *testing.T) {
	t.Parallel()
	addr := startProbeServer(t, dripServer)
	opt := probeOpts(addr)
	opt.Probe = 1500 * time.Millisecond
	rep, took := runWithin(t, "content-length", opt, 8*time.Second)
	r := wantFail(t, rep, "a well-formed response", Overdue, "still sending after 1.5s", "bytes so far", "the last one", "ago")
	if took > opt.Probe+time.Second {
		t.Errorf("the check took %s, want at most the probe's %s and 1s", took, opt.Probe)
	}
	if r.Total < 5 || r.Total > 10 {
		t.Errorf("%d bytes counted, want about 7 (1 every 200ms for 1.5s)", r.Total)
	}
	if !strings.Contains(r.Reason, fmt.Sprintf("%d bytes so far", r.Total)) {
		t.Errorf("reason %q does not count the %d bytes", r.Reason, r.Total)
	}
	if text := probeText(t, rep); !strings.Contains(text, "still sending") {
		t.Errorf("the report does not say the server was still sending:\n%s", text)
	}
}

func TestCheckDripServerHitsRunDeadline(t *testing.T) {
	t.Parallel()
	addr := startProbeServer(t, dripServer)
	opt := probeOpts(addr)
	opt.Probe = time.Second
	opt.Run = 2500 * time.Millisecond
	// routing has five probes: at a second each, the run's deadline
	// comes first.
	rep, took := runWithin(t, "routing", opt, 8*time.Second)
	if took > opt.Run+time.Second {
		t.Errorf("the check took %s, want at most the run's %s and 1s", took, opt.Run)
	}
	last := rep.Results[len(rep.Results)-1]
	if last.Pass || last.Kind != Overdue || !strings.Contains(last.Reason, "not run") || !strings.Contains(last.Reason, "2.5s") {
		t.Errorf("the last probe: kind %s, reason %q; want it not run, as the check's 2.5s ran out\n%s", last.Kind, last.Reason, probeText(t, rep))
	}
}

// bigBody is 3 MiB of text, more than a probe keeps.
var bigBody = bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16)

func bigServer(resp []byte) func(net.Conn) {
	return func(c net.Conn) {
		var pending []byte
		if _, ok := readProbeReq(c, &pending); !ok {
			return
		}
		_, _ = c.Write(resp)
		holdOpen(c)
	}
}

func chunked(body []byte, size int) []byte {
	var b bytes.Buffer
	for len(body) > 0 {
		n := min(size, len(body))
		fmt.Fprintf(&b, "%x\r\n", n)
		b.Write(body[:n])
		b.WriteString("\r\n")
		body = body[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

func TestCheckLongResponse(t *testing.T) {
	head := probeHead + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(bigBody))
	t.Run("valid, with Content-Length", func(t *testing.T) {
		t.Parallel()
		addr := startProbeServer(t, bigServer(append([]byte(head), bigBody...)))
		rep, _ := runWithin(t, "content-length", probeOpts(addr), 10*time.Second)
		if !rep.Pass() {
			t.Fatalf("a valid 3 MiB response failed:\n%s", probeText(t, rep))
		}
		r := probeResult(t, rep, "Content-Length counts the body's bytes")
		if want := len(head) + len(bigBody); r.Total != want || len(r.Received) > 1<<20 {
			t.Errorf("counted %d bytes and kept %d, want %d counted and at most 1 MiB kept", r.Total, len(r.Received), want)
		}
		if !strings.Contains(r.Note, fmt.Sprintf("%d bytes came after the header", len(bigBody))) {
			t.Errorf("note %q does not count the whole body", r.Note)
		}
		if text := probeText(t, rep); !strings.Contains(text, fmt.Sprintf("%d B", len(head)+len(bigBody))) {
			t.Errorf("the report does not give the whole size:\n%s", text)
		}
	})
	t.Run("valid, chunked", func(t *testing.T) {
		t.Parallel()
		resp := append([]byte(probeHead+"Transfer-Encoding: chunked\r\n\r\n"), chunked(bigBody, 5000)...)
		addr := startProbeServer(t, bigServer(resp))
		rep, _ := runWithin(t, "routing", probeOpts(addr), 20*time.Second)
		r := probeResult(t, rep, "GET / is answered with 200")
		if !r.Pass {
			t.Fatalf("a valid 3 MiB chunked response failed:\n%s", probeText(t, rep))
		}
	})
	t.Run("Content-Length too short by 5 bytes", func(t *testing.T) {
		t.Parallel()
		short := probeHead + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(bigBody)-5)
		addr := startProbeServer(t, bigServer(append([]byte(short), bigBody...)))
		rep, _ := runWithin(t, "content-length", probeOpts(addr), 10*time.Second)
		wantFail(t, rep, "Content-Length counts the body's bytes", Malformed, "5 more bytes", fmt.Sprintf("%d", len(bigBody)-5))
	})
	t.Run("Content-Length too long, the client hangs", func(t *testing.T) {
		t.Parallel()
		long := probeHead + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(bigBody)+7)
		addr := startProbeServer(t, bigServer(append([]byte(long), bigBody...)))
		rep, _ := runWithin(t, "content-length", probeOpts(addr), 10*time.Second)
		wantFail(t, rep, "Content-Length counts the body's bytes", Hung, fmt.Sprintf("only %d bytes came", len(bigBody)), "7 bytes that never come")
	})
	t.Run("a broken chunk past the first MiB", func(t *testing.T) {
		t.Parallel()
		body := chunked(bigBody, 5000)
		at := bytes.Index(body[2<<20:], []byte("\r\n1388\r\n")) + 2<<20 + 2
		body[at] = 'z' // a size line that is no hex number
		resp := append([]byte(probeHead+"Transfer-Encoding: chunked\r\n\r\n"), body...)
		addr := startProbeServer(t, bigServer(resp))
		rep, _ := runWithin(t, "routing", probeOpts(addr), 20*time.Second)
		wantFail(t, rep, "GET / is answered with 200", Malformed, "chunk", "hex")
	})
}
