package netcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
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

// Config holds the server's address and limits. DefaultConfig is the only
// source of defaults: a zero field is not "the default" but "no limit"
// (MaxHeaderBytes excepted: the parser never reads an unbounded header, so
// zero there is its built-in 8 KiB). Flags and tests start from
// DefaultConfig and change a field by name.
type Config struct {
	// Addr is host:port (see ParseListen). The host "localhost" means both
	// 127.0.0.1 and ::1, so every browser and curl reach it however they
	// resolve the name.
	Addr string
	// MaxConns is how many connections may be open at once. Past half
	// full, one address may not take what is left (see admit). Zero: no limit.
	MaxConns int
	// IdleTimeout caps how long any connection may stay silent: a
	// behavior's own idle time is clamped to it, and a behavior that sets
	// none gets it (see Conn.SetIdle). Zero: no cap.
	IdleTimeout time.Duration
	// CaptureCap is how many bytes of each connection are kept for display;
	// beyond it events carry only counts. Zero: no cap per connection
	// (CaptureTotal still bounds them all).
	CaptureCap int
	// Source labels the events: FromServer, or FromTap for the tap.
	Source Source
	// MaxConnsPerIP caps the connections one remote address may hold, so
	// one laptop cannot take every slot. IPv6 addresses count per /64 (see
	// limitKey). Zero: no cap.
	MaxConnsPerIP int
	// ConnRatePerIP caps new connections per second from one address
	// (bursts of twice that are allowed). Zero: no cap.
	ConnRatePerIP float64
	// ReadHeaderTimeout bounds the time an HTTP request's header may take
	// to arrive, counted from when the server starts waiting for it.
	// Zero: no limit beyond the idle timeout.
	ReadHeaderTimeout time.Duration
	// MaxHeaderBytes bounds an HTTP request's header; larger ones get 431.
	// Zero: the parser's own limit (8 KiB).
	MaxHeaderBytes int
	// Words are what the server says its notes, refusals and the bodies of
	// the requests it refuses in: the course's words for the learner's
	// language, by key (see Phrase). Nil: every Phrase shows as its key
	// and values, which is what netcore's own tests look at.
	Words map[string]string
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

	shared  *shared
	seqMu   sync.Mutex // held while a Sequential behavior serves
	mu      sync.Mutex
	conns   map[*Conn]struct{}
	perIP   map[netip.Addr]int          // open connections per limitKey
	rates   map[netip.Addr]*tokenBucket // new-connection budget per limitKey
	blocked map[netip.Addr]struct{}     // limitKeys the presenter blocked
	closed  bool
	wg      sync.WaitGroup

	refusing chan struct{} // a slot per refused connection being closed politely
}

type behaviorBox struct{ b Behavior }

// Listen opens the listeners and starts accepting. It returns once the
// server is listening, or with an error (a *PortInUseError when the port is
// taken) without having started anything.
func Listen(cfg Config, b Behavior, sink Sink) (*Server, error) {
	hp, err := ParseListen(cfg.Addr)
	if err != nil {
		return nil, &PhraseError{Phrase{"srv.listen.bad", []any{err}}, err}
	}
	host, port := hp.Host, hp.Port
	s := &Server{cfg: cfg, sink: sink, conns: map[*Conn]struct{}{}, perIP: map[netip.Addr]int{}, rates: map[netip.Addr]*tokenBucket{},
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
		l, err = net.Listen("tcp", hp.String())
		s.listeners = []net.Listener{l}
	}
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Addr: cfg.Addr, Port: port}
		}
		return nil, err
	}
	for _, l := range s.listeners {
		s.shared.listeners = append(s.shared.listeners, l.Addr().(*net.TCPAddr).AddrPort())
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
		s.sink.Push(Event{Time: time.Now(), Source: s.cfg.Source, Kind: Note, Text: Phrase{"srv.behavior", []any{b.Name()}}.Say(s.cfg.Words)})
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
			s.sink.Push(Event{Time: time.Now(), Source: s.cfg.Source, Kind: Error, Local: l.Addr(),
				Text: Phrase{"srv.accept.failed", []any{err.Error()}}.Say(s.cfg.Words)})
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
	ip := remoteKey(raw)
	if why := s.admit(ip, limit); why.Key != "" {
		polite := s.claimRefusal()
		s.mu.Unlock()
		s.counters.Refused.Add(1)
		s.sink.Push(Event{Time: time.Now(), Conn: id, Source: src, Kind: Refused, Local: raw.LocalAddr(), Remote: raw.RemoteAddr(),
			Reason: ByLimit, Text: why.Say(s.cfg.Words)})
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
	c.words = s.cfg.Words
	c.idleCap = s.cfg.IdleTimeout
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()

	s.counters.Accepted.Add(1)
	s.counters.Open.Add(1)
	c.SetIdle(0) // the server's, until the behavior asks for its own
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
			e.Text = Phrase{"srv.panic", []any{b.Name(), fmt.Sprint(v)}}.Say(s.cfg.Words)
			s.sink.Push(e)
			c.setReason(ByError)
		}
		// Free the slot before the Closed event, so a client that sees
		// the close and reconnects is not refused by MaxConns.
		ip := remoteKey(c.raw)
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

// admit decides, under s.mu, whether a new connection from ip (a
// limitKey) may stay, and if not says why (keys srv.limit.*) for the
// refused event, naming the flag that would lift the limit; no Phrase: it
// may.
func (s *Server) admit(ip netip.Addr, limit int) Phrase {
	say := func(key string, args ...any) Phrase { return Phrase{key, args} }
	if _, ok := s.blocked[ip]; ok {
		return say("srv.limit.blocked")
	}
	open := len(s.conns)
	if limit > 0 && open >= limit {
		if limit < s.cfg.MaxConns || s.cfg.MaxConns == 0 {
			return say("srv.limit.lesson", limit) // the lesson's own limit
		}
		return say("srv.limit.conns", limit)
	}
	// A fair reserve: once the server is more than half full, an address
	// may not hold as many connections as there are free slots. A newcomer
	// (holding none) always gets in while a slot is free; each greedy
	// address can take at most half of what is left, so a few addresses
	// never fill the server. A behavior's own lower limit is a lesson's
	// demonstration and is left exact.
	if m := s.cfg.MaxConns; m > 0 && limit == m && 2*open > m && s.perIP[ip] >= m-open {
		return say("srv.limit.reserve", keyString(ip), s.perIP[ip], m, m-open)
	}
	if n := s.cfg.MaxConnsPerIP; n > 0 && s.perIP[ip] >= n {
		return say("srv.limit.perip", n, keyString(ip))
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
			return say("srv.limit.rate", keyString(ip), r)
		}
	}
	return Phrase{}
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

// remoteKey is the limitKey of the connection's remote address.
func remoteKey(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return limitKey(ta.AddrPort().Addr())
	}
	return netip.Addr{}
}

// limitKey is what the per-address limits count by. An IPv4-mapped IPv6
// address is its IPv4 address; an IPv6 address counts as its /64, since
// one machine can pick a fresh address in its /64 for every connection.
// Distinct IPv4 addresses stay distinct (127.0.0.2 and 127.0.0.3 too).
func limitKey(ip netip.Addr) netip.Addr {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr()
	}
	return ip
}

// keyString is a limitKey as a refused event shows it.
func keyString(k netip.Addr) string {
	if k.Is6() {
		return k.String() + "/64"
	}
	return k.String()
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
