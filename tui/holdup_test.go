package tui

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/tubes-course/tubes/netcore"
)

// Many connections send hostile bytes at once into the real program: the
// terminal stream it writes holds none of them raw, and keys still work.
func TestHostileRoomThroughTheRealProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("a room of 40 hostile clients")
	}
	r := newRig(t, "tcp-accept")
	r.press(keyRune('n')) // accept-only with a long idle: everything is read and kept
	tm := teatest.NewTestModel(t, r.m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port()))
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for _, h := range hostile {
				_, _ = c.Write([]byte(h))
			}
		}()
	}
	wg.Wait()
	// A key pressed right after the flood is still handled.
	// Keep every byte WaitFor reads: the whole stream is checked below.
	var seen bytes.Buffer
	stream := io.TeeReader(tm.Output(), &seen)
	teatest.WaitFor(t, stream, func(b []byte) bool { return bytes.Contains(b, []byte("pwned")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyRune('x'))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	rest, err := readAllFrom(tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	out := append(seen.Bytes(), rest...)
	if !bytes.Contains(out, []byte(`;pwned\x0`)) {
		t.Error("the title attack should be on screen, escaped")
	}
	// The program's own OSCs (its title, colour queries) are the only ones.
	for rest := out; ; {
		i := bytes.Index(rest, []byte("\x1b]"))
		if i < 0 {
			break
		}
		rest = rest[i+2:]
		ok := false
		for _, own := range []string{"0;tubes\a", "2;tubes\a", "2;\a", "10;?\a", "11;?\a", "12;?\a"} {
			ok = ok || bytes.HasPrefix(rest, []byte(own))
		}
		if !ok {
			t.Errorf("an OSC the program did not write: %q", rest[:min(len(rest), 30)])
		}
	}
	for _, bad := range []string{"\x1b]0;pwned", "\x1b]52;", "\x1b]8;;http://evil", "\x1bP$q", "\x1b[6n", "\x1b[21t", "\x0e", "\x9b", "\xc2\x9b", "\u202e"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the terminal stream holds %q raw", bad)
		}
	}
	final := tm.FinalModel(t).(*Model)
	if final.bytesView.mode != hexMode {
		t.Error("the key pressed during the flood was lost")
	}
	if final.totals.BytesIn == 0 || final.totals.Accepted < 40 {
		t.Fatalf("the room's traffic did not arrive: %+v", final.totals)
	}
	checkScreenIsSafe(t, final.screen())
}

func readAllFrom(r interface{ Read([]byte) (int, error) }) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// During a slowloris attack on the app's own server the screen still
// answers keys, and the slow connections are cut by the header timeout.
func TestKeysDuringSlowloris(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4 s attack")
	}
	r := newRig(t, "timeouts")
	r.press(keyRune('n')) // guarded: a 3 s header timeout
	tm := teatest.NewTestModel(t, r.m, teatest.WithInitialTermSize(120, 40))
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port()))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				return
			}
			defer c.Close()
			_, _ = c.Write([]byte("GET / HTTP/1.1\r\nX-Slow: "))
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
					if _, err := c.Write([]byte("z")); err != nil {
						return
					}
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	tm.Send(keyRune('x'))
	tm.Send(keyRune('?'))
	time.Sleep(4 * time.Second)
	close(stop)
	wg.Wait()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if final.bytesView.mode != hexMode || final.overlay != helpOverlay {
		t.Fatal("keys pressed during the attack were lost")
	}
	if final.totals.Accepted < 100 {
		t.Fatalf("the attack did not arrive: %+v", final.totals)
	}
	cut := 0
	for i := 0; i < final.events.size; i++ {
		if e := final.events.at(i); e.Kind == netcore.Closed && e.Reason == netcore.ByHeaderTimeout {
			cut++
		}
	}
	if cut < 100 {
		t.Fatalf("only %d slow connections were cut by the header timeout", cut)
	}
}
