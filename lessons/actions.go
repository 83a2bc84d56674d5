package lessons

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// Action is what enter does in a step. Label names it in the help line
// (the interface string key.enter.<Label>). Run blocks on the network, so
// callers run it off the UI goroutine; every byte it moves is reported as
// events. It may return a short Note for the learner, such as a timing.
// Run ends by ctx's deadline or cancellation, whatever the server does:
// every blocking dial, read, write and pause in it is bound to ctx.
type Action struct {
	Label string
	Run   func(ctx context.Context, env Env) (Note, error)
	// TakesMessage: the learner may type the message to send (key m).
	TakesMessage bool
}

// None is a step without an action: it is done from outside the app.
func (a Action) None() bool { return a.Run == nil }

// Env is what an action may use: the app's client, where to dial, a
// message the learner typed (empty: the step's default), and the
// learner's interface strings for its notes (nil: English).
type Env struct {
	Client  *netcore.Client
	Addr    Address
	Message []byte
	UI      map[string]string
	// Held reports whether the server holds a reply (the presenter's
	// hold): an action keeps waiting meanwhile. Nil: no hold can happen.
	Held func() bool
}

// RequestFor is the GET request the app's client sends to addr.
func RequestFor(addr string) []byte { return requestBytes("GET", "/", addr, "", nil, true) }

func requestBytes(method, target, addr, contentType string, body []byte, closing bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, addr)
	if body != nil {
		fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\n", contentType, len(body))
	}
	if closing {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return []byte(b.String())
}

// Connect opens a connection and keeps it until the server closes it.
var Connect = Action{Label: "connect", Run: func(ctx context.Context, env Env) (Note, error) {
	c, err := env.Client.Dial(ctx, env.Addr.HostPort())
	if err != nil {
		return Note{}, err
	}
	go readUntilClosed(env, c, 0)
	return Note{}, nil
}}

// SendHello sends behaviors.HelloMessage, or the learner's own message, and reads
// the reply.
var SendHello = Action{Label: "send", TakesMessage: true, Run: func(ctx context.Context, env Env) (Note, error) {
	msg := behaviors.HelloMessage
	if len(env.Message) > 0 {
		msg = env.Message
	}
	return Note{}, exchange(ctx, env, len(behaviors.PongReply), msg)
}}

// Get sends a GET for target and reads the response to the end.
func Get(target string) Action { return Request("GET", target, "", nil) }

// Request sends any request and reads the response to the end.
func Request(method, target, contentType string, body []byte) Action {
	return Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
		return Note{}, exchange(ctx, env, -1, requestBytes(method, target, env.Addr.HostPort(), contentType, body, true))
	}}
}

// HangUpSoon connects and closes from the client's side after a moment.
var HangUpSoon = Action{Label: "hangup", Run: func(ctx context.Context, env Env) (Note, error) {
	_, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	return Note{}, pause(ctx, 500*time.Millisecond)
}}

// ResetSoon connects, sends a few bytes and resets instead of closing.
var ResetSoon = Action{Label: "reset", Run: func(ctx context.Context, env Env) (Note, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	if _, err := c.Write([]byte("bye?\n")); err != nil {
		return Note{}, ended(ctx, err)
	}
	if err := pause(ctx, 200*time.Millisecond); err != nil { // let the bytes arrive before the RST
		return Note{}, err
	}
	return Note{}, c.Reset()
}}

// Writes sends parts as separate writes, pausing every between them, then reads
// until the server has answered with want bytes or 2 s pass, and closes.
func Writes(every time.Duration, want int, parts ...string) Action {
	return Action{Label: "send", Run: func(ctx context.Context, env Env) (Note, error) {
		c, release, err := dial(ctx, env)
		if err != nil {
			return Note{}, err
		}
		defer release()
		for i, p := range parts {
			if i > 0 && every > 0 {
				if err := pause(ctx, every); err != nil {
					return Note{}, err
				}
			}
			if _, err := c.Write([]byte(p)); err != nil {
				return Note{}, ended(ctx, err)
			}
		}
		if want == 0 {
			return Note{}, pause(ctx, 300*time.Millisecond) // let the server read before the FIN
		}
		c.SetIdle(2 * time.Second)
		buf := make([]byte, 4096)
		for got := 0; got < want; {
			n, err := c.Read(buf)
			got += n
			if err != nil {
				if ctx.Err() != nil {
					return Note{}, ended(ctx, err)
				}
				break
			}
		}
		return Note{}, nil
	}}
}

// FiveAtOnce sends five GET requests at the same moment and says how long
// the slowest took.
var FiveAtOnce = Action{Label: "five", Run: func(ctx context.Context, env Env) (Note, error) {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = exchange(ctx, env, -1, RequestFor(env.Addr.HostPort()))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Note{}, err
	}
	return Note{"note.five", []any{time.Since(start).Round(10 * time.Millisecond)}}, nil
}}

// TwoOnOneConn sends two requests on one connection, the second asking to
// close, reading each response by its Content-Length.
var TwoOnOneConn = Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return Note{}, err
	}
	defer release()
	c.SetIdle(5 * time.Second)
	r := bufio.NewReader(c)
	for i, closing := range []bool{false, true} {
		if _, err := c.Write(requestBytes("GET", "/", env.Addr.HostPort(), "", nil, closing)); err != nil {
			return Note{}, ended(ctx, err)
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return Note{}, actionError("action.err.response", ended(ctx, err), i+1)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if ctx.Err() != nil {
			return Note{}, actionError("action.err.response", ended(ctx, err), i+1)
		}
	}
	return Note{}, nil
}}

// Trickle sends a request line, then one header byte every interval until
// the server closes or limit passes: the client never goes idle.
func Trickle(every, limit time.Duration) Action {
	return Action{Label: "trickle", Run: func(ctx context.Context, env Env) (Note, error) {
		start := time.Now()
		closed, err := trickle(ctx, env, every, limit)
		if err != nil {
			return Note{}, err
		}
		if closed {
			return Note{"note.closedafter", []any{time.Since(start).Round(100 * time.Millisecond)}}, nil
		}
		return Note{}, nil
	}}
}

// trickle runs one slow client; it reports whether the server closed it.
func trickle(ctx context.Context, env Env, every, limit time.Duration) (bool, error) {
	c, release, err := dial(ctx, env)
	if err != nil {
		return false, err
	}
	defer release()
	gone := make(chan struct{})
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				close(gone)
				return
			}
		}
	}()
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nX-Slow: ")); err != nil {
		return true, nil
	}
	deadline := time.After(limit)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-gone:
			return true, nil
		case <-deadline:
			return false, nil
		case <-ctx.Done():
			return false, nil
		case <-tick.C:
			if _, err := c.Write([]byte("z")); err != nil {
				return true, nil
			}
		}
	}
}

// OpenMany opens n connections, holds them for hold, and closes them.
func OpenMany(n int, hold time.Duration) Action {
	return Action{Label: "connect", Run: func(ctx context.Context, env Env) (Note, error) {
		var conns []*netcore.Conn
		for i := 0; i < n; i++ {
			c, err := env.Client.Dial(ctx, env.Addr.HostPort())
			if err != nil {
				continue
			}
			conns = append(conns, c)
			go readUntilClosed(env, c, 0)
			if err := pause(ctx, 20*time.Millisecond); err != nil { // in order, so the refusals are the last ones
				break
			}
		}
		err := pause(ctx, hold)
		for _, c := range conns {
			env.Client.Release(c)
		}
		return Note{}, err
	}}
}

// Slowloris runs conns slow clients at once, each for at most limit: a
// bounded demonstration against the app's own server.
func Slowloris(conns int, every, limit time.Duration) Action {
	return Action{Label: "attack", Run: func(ctx context.Context, env Env) (Note, error) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		cut := 0
		for i := 0; i < conns; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if closed, _ := trickle(ctx, env, every, limit); closed {
					mu.Lock()
					cut++
					mu.Unlock()
				}
			}()
			if pause(ctx, 10*time.Millisecond) != nil {
				break
			}
		}
		wg.Wait()
		if ctx.Err() != nil {
			return Note{}, ended(ctx, nil)
		}
		return Note{"note.slowloris", []any{cut, conns}}, nil
	}}
}

// exchange connects, writes msg and reads the reply: want bytes, or until
// the server closes when want < 0. Then it closes.
func exchange(ctx context.Context, env Env, want int, msg []byte) error {
	c, release, err := dial(ctx, env)
	if err != nil {
		return err
	}
	defer release()
	if _, err := c.Write(msg); err != nil {
		return ended(ctx, err)
	}
	got, err := readUntilClosed(env, c, want)
	if ctx.Err() != nil {
		return ended(ctx, err)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if got == 0 {
			return errors.New(env.say("note.noreply", replyWait()))
		}
		return nil
	}
	return err
}

// replyWait is how long an action waits for a reply that does not come.
func replyWait() time.Duration { return time.Duration(replyWaitNs.Load()) }

// replyWaitNs holds it: 10 s, less only in a test.
var replyWaitNs = func() *atomic.Int64 { var v atomic.Int64; v.Store(int64(10 * time.Second)); return &v }()

// holdCap bounds how long an action waits out a reply the presenter holds:
// generous, since the teacher talks meanwhile, but not forever.
const holdCap = 10 * time.Minute

// holdPoll is how often a wait past its deadline asks whether the hold
// still lasts.
const holdPoll = 200 * time.Millisecond

// readUntilClosed reads until want bytes arrived (want > 0), the peer closes,
// or replyWait passes without a byte when want != 0; while env.Held says
// a reply is held, it keeps waiting, up to holdCap. It releases the
// connection when the peer closes.
func readUntilClosed(env Env, c *netcore.Conn, want int) (int, error) {
	var gaveUp atomic.Bool
	var last atomic.Int64 // when a byte last came
	last.Store(time.Now().UnixNano())
	if want != 0 {
		if env.Held == nil {
			c.SetIdle(replyWait())
		} else {
			// The socket's own deadline is the cap; the watch below gives
			// up sooner unless a reply is held, by closing the connection.
			c.SetIdle(holdCap)
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				start := time.Now()
				wasHeld := false
				t := time.NewTicker(holdPoll)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
					}
					held := env.Held() && time.Since(start) < holdCap
					if held || wasHeld {
						// Time held is not silence: once released, the
						// reply gets the whole wait from then.
						wasHeld = held
						last.Store(time.Now().UnixNano())
						continue
					}
					if time.Since(time.Unix(0, last.Load())) < replyWait() {
						continue
					}
					gaveUp.Store(true)
					env.Client.Release(c)
					return
				}
			}()
		}
	}
	buf := make([]byte, 4096)
	got := 0
	for want <= 0 || got < want {
		n, err := c.Read(buf)
		got += n
		if n > 0 {
			last.Store(time.Now().UnixNano())
		}
		if err != nil {
			env.Client.Release(c)
			if gaveUp.Load() {
				return got, os.ErrDeadlineExceeded
			}
			if errors.Is(err, io.EOF) {
				return got, nil
			}
			return got, err
		}
	}
	return got, nil
}

// dial connects to the step's server and binds the connection to ctx:
// when ctx ends, the connection is closed, which ends any read or write
// blocked on it. release stops that and closes the connection.
func dial(ctx context.Context, env Env) (*netcore.Conn, func(), error) {
	c, err := env.Client.Dial(ctx, env.Addr.HostPort())
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { env.Client.Release(c) })
	return c, func() { stop(); env.Client.Release(c) }, nil
}

// pause waits d, or less when ctx ends first; then it says why.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ended(ctx, nil)
	}
}

// ErrActionTimeout and ErrActionCancelled say why an action stopped
// before the server was done: its time ran out, or it was cancelled (the
// learner moved to another step). Their words are ui.txt's.
var (
	ErrActionTimeout   error = &netcore.PhraseError{Reason: netcore.Phrase{Key: "action.err.timeout"}}
	ErrActionCancelled error = &netcore.PhraseError{Reason: netcore.Phrase{Key: "action.err.cancelled"}}
)

// actionError is an action's failure in ui.txt's words: key's format takes
// args and then why err happened (netcore.ReasonPhrase), which it wraps.
func actionError(key string, err error, args ...any) error {
	return &netcore.PhraseError{Reason: netcore.Phrase{Key: key, Args: append(args, netcore.ReasonPhrase(err))}, Err: err}
}

// ended is the error of an action that ctx stopped; err (from the read or
// write that ctx broke off) is kept only when ctx is still live.
func ended(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return ErrActionTimeout
	case ctx.Err() != nil:
		return ErrActionCancelled
	}
	return err
}

// ActionContext is the context an action runs in: it ends after d, but
// while held says a reply is held it lasts on, up to holdCap, so the app's
// own client waits as long as the teacher holds the reply.
func ActionContext(d time.Duration, held func() bool) (context.Context, context.CancelFunc) {
	if held == nil {
		return context.WithTimeout(context.Background(), d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		start := time.Now()
		t := time.NewTimer(d)
		defer t.Stop()
		wasHeld := false
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			switch {
			case time.Since(start) >= holdCap:
				cancel()
				return
			case held():
				wasHeld = true
				t.Reset(holdPoll)
			case wasHeld:
				// Just released: the reply is on its way, so the action
				// has its own time again from now, not none.
				wasHeld = false
				t.Reset(d)
			default:
				cancel()
				return
			}
		}
	}()
	return ctx, cancel
}
