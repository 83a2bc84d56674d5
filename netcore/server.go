package netcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Behavior is the program a step's server runs on each connection. Serve
// returns when it is done with the connection; the server then closes it.
type Behavior interface {
	Name() string
	Serve(c *Conn)
}

// Config holds the server's address and limits. Zero values take defaults.
type Config struct {
	// Addr is host:port. The host "localhost" means both 127.0.0.1 and ::1,
	// so every browser and curl reach it however they resolve the name.
	Addr string
	// MaxConns is how many connections may be open at once.
	MaxConns int
	// IdleTimeout applies to behaviors that set none of their own.
	IdleTimeout time.Duration
	// CaptureCap is how many bytes of each connection are kept for display;
	// beyond it events carry only counts.
	CaptureCap int
	// Source labels the events: FromServer, or FromTap for the tap.
	Source Source
	// MaxConnsPerIP caps the connections one remote address may hold, so
	// one laptop cannot take every slot. Zero: no cap.
	MaxConnsPerIP int
	// ConnRatePerIP caps new connections per second from one address
	// (bursts of twice that are allowed). Zero: no cap.
	ConnRatePerIP float64
	// ReadHeaderTimeout bounds the time an HTTP request's header may take
	// to arrive, counted from when the server starts waiting for it.
	// Zero: no limit beyond the idle timeout.
	ReadHeaderTimeout time.Duration
	// MaxHeaderBytes bounds an HTTP request's header; larger ones get 431.
	// Zero: the parser's default (8 KiB).
	MaxHeaderBytes int
	// CaptureTotal bounds the captured bytes waiting in the sink (the
	// Inbox) at once, for all connections together; they count again as
	// the screen takes them, so it bounds what is held, never what may
	// still be shown. Listen hands it to a ByteBounded sink. Zero: the
	// sink's own bound.
	CaptureTotal int64
}

const (
	DefaultAddr        = "localhost:3000"
	DefaultMaxConns    = 256
	DefaultIdleTimeout = 60 * time.Second
	DefaultCaptureCap  = 64 << 10
)

// DefaultConfig is the server users get: the only home of the shipped
// defaults. Flags bind to its fields; tests start from it and lift a
// limit by name.
func DefaultConfig() Config {
	return Config{
		Addr:              DefaultAddr,
		MaxConns:          DefaultMaxConns,
		IdleTimeout:       DefaultIdleTimeout,
		CaptureCap:        DefaultCaptureCap,
		MaxConnsPerIP:     32,
		ConnRatePerIP:     20,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    8 << 10,
		CaptureTotal:      8 << 20,
	}
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.CaptureCap <= 0 {
		c.CaptureCap = DefaultCaptureCap
	}
	return c
}

// PortInUseError says the port is taken by another program.
type PortInUseError struct {
	Addr string
	Port int
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d is already in use (%s)", e.Port, e.Addr)
}

// Server is the embedded TCP server. It accepts on one or more listeners and
// runs the current Behavior on every connection.
type Server struct {
	cfg       Config
	sink      Sink
	listeners []net.Listener
	behavior  atomic.Pointer[behaviorBox]
	counters  Counters
	ids       atomic.Uint64

	shared *shared
	seqMu  sync.Mutex // held while a Sequential behavior serves
	mu     sync.Mutex
	conns  map[*Conn]struct{}
	perIP  map[string]int          // open connections per remote address
	rates  map[string]*tokenBucket // new-connection budget per address
	closed bool
	wg     sync.WaitGroup

	refusing chan struct{} // a slot per refused connection being closed politely
}

type behaviorBox struct{ b Behavior }

// Listen opens the listeners and starts accepting. It returns once the
// server is listening, or with an error (a *PortInUseError when the port is
// taken) without having started anything.
func Listen(cfg Config, b Behavior, sink Sink) (*Server, error) {
	cfg = cfg.withDefaults()
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("bad listen address %q: %v", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("bad port %q in %q: want a number from 0 to 65535", portStr, cfg.Addr)
	}
	s := &Server{cfg: cfg, sink: sink, conns: map[*Conn]struct{}{}, perIP: map[string]int{}, rates: map[string]*tokenBucket{},
		refusing: make(chan struct{}, maxPoliteRefusals)}
	s.behavior.Store(&behaviorBox{b})
	s.shared = &shared{headerTimeout: cfg.ReadHeaderTimeout, maxHeader: cfg.MaxHeaderBytes, sink: sink}
	if bb, ok := sink.(ByteBounded); ok && cfg.CaptureTotal > 0 {
		bb.BoundBytes(cfg.CaptureTotal)
	}
	if host == "localhost" {
		s.listeners, err = listenLoopback(port)
	} else {
		var l net.Listener
		l, err = net.Listen("tcp", cfg.Addr)
		s.listeners = []net.Listener{l}
	}
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Addr: cfg.Addr, Port: port}
		}
		return nil, err
	}
	for _, l := range s.listeners {
		sink.Push(Event{Time: time.Now(), Source: cfg.Source, Kind: Listening, Local: l.Addr(), Text: b.Name()})
		s.wg.Add(1)
		go s.acceptLoop(l)
	}
	return s, nil
}

// listenLoopback listens on 127.0.0.1 and, where the machine has IPv6, on
// ::1 with the same port. With port 0 the first listener picks the port.
func listenLoopback(port int) ([]net.Listener, error) {
	var lastErr error
	for try := 0; try < 5; try++ {
		v4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return nil, err
		}
		p := v4.Addr().(*net.TCPAddr).Port
		v6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(p)))
		if err == nil {
			return []net.Listener{v4, v6}, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			// No IPv6 loopback on this machine: 127.0.0.1 alone will do.
			return []net.Listener{v4}, nil
		}
		_ = v4.Close()
		lastErr = err
		if port != 0 {
			break
		}
	}
	return nil, lastErr
}

// Addrs are the addresses the server listens on.
func (s *Server) Addrs() []net.Addr {
	out := make([]net.Addr, len(s.listeners))
	for i, l := range s.listeners {
		out[i] = l.Addr()
	}
	return out
}

// Port is the TCP port the server listens on.
func (s *Server) Port() int { return s.listeners[0].Addr().(*net.TCPAddr).Port }

// Host is the host part of the configured address ("localhost" by default).
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.cfg.Addr)
	return h
}

// Behavior is the behavior new connections get.
func (s *Server) Behavior() Behavior { return s.behavior.Load().b }

// SetBehavior swaps the behavior. Connections already open keep theirs.
func (s *Server) SetBehavior(b Behavior) {
	old := s.behavior.Swap(&behaviorBox{b})
	if old.b.Name() != b.Name() {
		s.sink.Push(Event{Time: time.Now(), Source: s.cfg.Source, Kind: Note, Text: "behavior " + b.Name()})
	}
}

// Totals are the server's exact counters.
func (s *Server) Totals() Totals { return s.counters.Snapshot() }

func (s *Server) acceptLoop(l net.Listener) {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		raw, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait a little, keep going.
			backoff = min(max(backoff*2, 5*time.Millisecond), time.Second)
			s.sink.Push(Event{Time: time.Now(), Source: s.cfg.Source, Kind: Error, Local: l.Addr(), Text: err.Error()})
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if oneAtATime(s.Behavior()) {
			// A sequential server: serve this connection to the end before
			// taking the next. Others wait, handshake done, in the backlog.
			s.seqMu.Lock()
			s.handle(raw, true)
			s.seqMu.Unlock()
			continue
		}
		s.handle(raw, false)
	}
}

// Behaviors may carry their own limits through these optional methods.
type (
	// Sequential behaviors are served one connection at a time.
	Sequential interface{ OneAtATime() bool }
	// Sourced behaviors label their connections' events themselves: the
	// tap's are FromTap, whatever server runs it.
	Sourced interface{ EventSource() Source }
	// ConnLimiter behaviors lower the server's connection limit.
	ConnLimiter interface{ ConnLimit() int }
)

func oneAtATime(b Behavior) bool {
	sq, ok := b.(Sequential)
	return ok && sq.OneAtATime()
}

// limitFor is the connection limit while b is the behavior.
func (s *Server) limitFor(b Behavior) int {
	if cl, ok := b.(ConnLimiter); ok && cl.ConnLimit() > 0 {
		return min(cl.ConnLimit(), s.cfg.MaxConns)
	}
	return s.cfg.MaxConns
}

// handle admits or refuses a new connection and runs its behavior, in a
// goroutine of its own unless inline.
func (s *Server) handle(raw net.Conn, inline bool) {
	id := s.ids.Add(1)
	// Pick the behavior before reporting the accept: a swap that follows
	// the Accepted event must not change this connection's program.
	b := s.Behavior()
	limit := s.limitFor(b)
	src := s.cfg.Source
	if sb, ok := b.(Sourced); ok {
		src = sb.EventSource()
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = raw.Close()
		return
	}
	ip := remoteIP(raw)
	if why := s.admit(ip, limit); why != "" {
		polite := s.claimRefusal()
		s.mu.Unlock()
		s.counters.Refused.Add(1)
		s.sink.Push(Event{Time: time.Now(), Conn: id, Source: src, Kind: Refused, Local: raw.LocalAddr(), Remote: raw.RemoteAddr(),
			Reason: ByLimit, Text: why})
		if !polite {
			_ = raw.Close()
			return
		}
		go func() {
			defer s.wg.Done()
			refuseConn(raw)
			<-s.refusing
		}()
		return
	}
	s.perIP[ip]++
	c := newConn(id, raw, src, s.sink, s.cfg.CaptureCap, &s.counters)
	c.shared = s.shared
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()

	s.counters.Accepted.Add(1)
	s.counters.Open.Add(1)
	c.SetIdle(s.cfg.IdleTimeout)
	s.sink.Push(c.base(Accepted))
	if inline {
		s.run(c, b)
		return
	}
	go s.run(c, b)
}

func (s *Server) run(c *Conn, b Behavior) {
	defer s.wg.Done()
	defer func() {
		if v := recover(); v != nil {
			e := c.base(Error)
			e.Text = fmt.Sprintf("behavior %s panicked: %v", b.Name(), v)
			s.sink.Push(e)
			c.setReason(ByError)
		}
		// Free the slot before the Closed event, so a client that sees
		// the close and reconnects is not refused by MaxConns.
		ip := remoteIP(c.raw)
		s.mu.Lock()
		delete(s.conns, c)
		if s.perIP[ip]--; s.perIP[ip] <= 0 {
			delete(s.perIP, ip)
		}
		s.mu.Unlock()
		_ = c.Close()
	}()
	b.Serve(c)
}

// Shutdown stops accepting, closes every connection and waits for all of
// the server's goroutines to end, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, l := range s.listeners {
		_ = l.Close()
	}
	for c := range s.conns {
		c.abort(ByShutdown)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// admit decides, under s.mu, whether a new connection from ip may stay,
// and if not says why in the words the refused event shows.
func (s *Server) admit(ip string, limit int) string {
	if len(s.conns) >= limit {
		return fmt.Sprintf("connection limit (%d open)", limit)
	}
	if n := s.cfg.MaxConnsPerIP; n > 0 && s.perIP[ip] >= n {
		return fmt.Sprintf("limit per address (%d open from %s)", n, ip)
	}
	if r := s.cfg.ConnRatePerIP; r > 0 {
		b := s.rates[ip]
		if b == nil {
			if len(s.rates) >= maxRateEntries {
				s.forgetFullBuckets()
			}
			b = &tokenBucket{tokens: 2 * r, at: time.Now()}
			s.rates[ip] = b
		}
		if !b.take(r, 2*r) {
			return fmt.Sprintf("too many new connections from %s (over %g a second)", ip, r)
		}
	}
	return ""
}

// maxPoliteRefusals bounds the refused connections being closed politely at
// once. Each takes up to refuseDrain; past the bound a flood's connections
// are closed at once, so refusing never costs the accept loop a wait.
const (
	maxPoliteRefusals = 64
	refuseDrain       = 100 * time.Millisecond
)

// claimRefusal takes a polite-close slot, under s.mu (so Shutdown waits
// for it), or reports that all are busy.
func (s *Server) claimRefusal() bool {
	select {
	case s.refusing <- struct{}{}:
		s.wg.Add(1)
		return true
	default:
		return false
	}
}

// refuseConn closes a refused connection politely: FIN, not a reset, so
// the client sees an orderly end rather than a network error.
func refuseConn(raw net.Conn) {
	if tc, ok := raw.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		_ = tc.SetReadDeadline(time.Now().Add(refuseDrain))
		buf := make([]byte, 512)
		_, _ = tc.Read(buf)
	}
	_ = raw.Close()
}

func remoteIP(c net.Conn) string {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	return c.RemoteAddr().String()
}

// maxRateEntries bounds the rate table, however many addresses appear.
const maxRateEntries = 4096

// tokenBucket allows rate new connections a second, up to burst at once.
type tokenBucket struct {
	tokens float64
	at     time.Time
}

func (b *tokenBucket) take(rate, burst float64) bool {
	now := time.Now()
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forgetFullBuckets drops addresses whose budget has refilled: they are as
// good as new, and the table stays bounded.
func (s *Server) forgetFullBuckets() {
	full := 2 * s.cfg.ConnRatePerIP
	for ip, b := range s.rates {
		now := time.Now()
		b.tokens = min(full, b.tokens+now.Sub(b.at).Seconds()*s.cfg.ConnRatePerIP)
		b.at = now
		if b.tokens >= full {
			delete(s.rates, ip)
		}
	}
	if len(s.rates) >= maxRateEntries {
		clear(s.rates) // a flood of addresses: start over rather than grow
	}
}
