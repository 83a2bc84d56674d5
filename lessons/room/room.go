// Package room serves the classroom page: on their own phones and laptops,
// students see the step on the teacher's screen and their own traffic to
// the lesson server, live, and give themselves a name.
//
// The room is tubes' own page, not a lesson: it is plain net/http, bounded
// in every direction, and never slows the lesson server down. Events reach
// it through Push (a netcore.Sink); the step through SetStep.
package room

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// Config is the room's language and limits. Zero limits take the defaults
// below.
type Config struct {
	// LessonPort is the port of the lesson server: the page fills the
	// lesson's {{port}}, {{addr}} and {{url}} with it. The lesson server's
	// listening event, pushed to the room, sets it too, so with port 0 it
	// may stay 0 here.
	LessonPort int
	// Lang picks the page's interface strings (en, ko).
	Lang string
	// MaxConns bounds the room's connections at once; more wait to be
	// accepted.
	MaxConns int
	// MaxStreams and MaxStreamsPerIP bound the live streams (/events) of
	// everyone and of one address; more get 503.
	MaxStreams, MaxStreamsPerIP int
	// MaxNames bounds how many addresses may hold a name.
	MaxNames int
	// EventsPerSecond is the most traffic lines one stream sends; the rest
	// are skipped and counted. Queue is how many wait per stream.
	EventsPerSecond, Queue int
}

const (
	defaultMaxConns        = 256
	defaultMaxStreams      = 64
	defaultMaxStreamsPerIP = 3
	defaultMaxNames        = 1024
	defaultEventsPerSecond = 20
	defaultQueue           = 64

	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 10 * time.Second // per write on a stream
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 4 << 10
	maxFormBytes      = 1 << 10
	flushEvery        = 250 * time.Millisecond
	keepAliveEvery    = 15 * time.Second
)

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxConns, defaultMaxConns)
	def(&c.MaxStreams, defaultMaxStreams)
	def(&c.MaxStreamsPerIP, defaultMaxStreamsPerIP)
	def(&c.MaxNames, defaultMaxNames)
	def(&c.EventsPerSecond, defaultEventsPerSecond)
	def(&c.Queue, defaultQueue)
	return c
}

// PortFor is the room's default port: the one after the lesson server's.
func PortFor(lessonPort int) int {
	if lessonPort <= 0 || lessonPort >= 65535 {
		return 0
	}
	return lessonPort + 1
}

// Room is the page's state: the current step, the open streams and the
// names. All its methods are safe for concurrent use.
type Room struct {
	cfg        Config
	ui         map[string]string
	names      *nameBook
	lessonPort atomic.Int64

	mu      sync.RWMutex
	byIP    map[netip.Addr]map[*stream]struct{}
	streams int
	lesson  lessons.Lesson
	step    int
	hasStep bool
	views   map[string]stepView // the current step rendered, per room host

	closing   chan struct{}
	closeOnce sync.Once
	srv       *http.Server
	listeners []net.Listener
	served    sync.WaitGroup
}

// New makes a room that is not listening yet. It is a netcore.Sink from
// the start, so it can be teed to the lesson server before that listens;
// Listen then opens the page (or Handler serves it elsewhere).
func New(cfg Config) *Room {
	cfg = cfg.withDefaults()
	r := &Room{
		cfg:     cfg,
		ui:      lessons.UIStrings(cfg.Lang),
		names:   newNameBook(cfg.MaxNames),
		byIP:    map[netip.Addr]map[*stream]struct{}{},
		views:   map[string]stepView{},
		closing: make(chan struct{}),
	}
	r.lessonPort.Store(int64(cfg.LessonPort))
	return r
}

// Listen opens the room on addr (host:port; ":3001" is every interface,
// "localhost" both 127.0.0.1 and ::1) and serves it until Close. A taken
// port is a *netcore.PortInUseError. Call it once.
func (r *Room) Listen(addr string) error {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad room address %q: %v", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return fmt.Errorf("bad room port %q: want a number from 0 to 65535", portStr)
	}
	if host == "localhost" {
		r.listeners, err = listenLoopback(port)
	} else {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			r.listeners = []net.Listener{l}
		}
	}
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return &netcore.PortInUseError{Addr: addr, Port: port}
		}
		return err
	}
	r.srv = &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		// The page and the form are done well within this; a stream
		// moves its own deadline forward before every write.
		WriteTimeout:   writeTimeout,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       quietLog(),
	}
	slots := make(chan struct{}, r.cfg.MaxConns)
	for _, l := range r.listeners {
		r.served.Add(1)
		go func(l net.Listener) {
			defer r.served.Done()
			_ = r.srv.Serve(&limitListener{Listener: l, slots: slots, done: r.closing})
		}(l)
	}
	return nil
}

// listenLoopback listens on 127.0.0.1 and, where there is IPv6, on ::1.
func listenLoopback(port int) ([]net.Listener, error) {
	v4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	p := v4.Addr().(*net.TCPAddr).Port
	v6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(p)))
	if err != nil {
		return []net.Listener{v4}, nil
	}
	return []net.Listener{v4, v6}, nil
}

// Addrs are the addresses the room listens on (after Listen).
func (r *Room) Addrs() []net.Addr {
	out := make([]net.Addr, len(r.listeners))
	for i, l := range r.listeners {
		out[i] = l.Addr()
	}
	return out
}

// Port is the port the room listens on (after Listen).
func (r *Room) Port() int { return r.listeners[0].Addr().(*net.TCPAddr).Port }

// Close ends every stream and stops the server.
func (r *Room) Close() error {
	r.closeOnce.Do(func() { close(r.closing) })
	if r.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	if err != nil {
		err = r.srv.Close()
	}
	r.served.Wait()
	return err
}

// SetStep shows step (0-based) of lesson l on every visitor's page.
func (r *Room) SetStep(l lessons.Lesson, step int) {
	if step < 0 || step >= len(l.Steps) {
		return
	}
	r.mu.Lock()
	r.lesson, r.step, r.hasStep = l, step, true
	clear(r.views)
	r.wakeStreams()
	r.mu.Unlock()
}

// wakeStreams has every stream send the step again; r.mu is held.
func (r *Room) wakeStreams() {
	for _, set := range r.byIP {
		for s := range set {
			s.stepChanged()
		}
	}
}

// view is the current step as seen by a visitor who reached the room at
// host: the lesson's addresses name that same host.
func (r *Room) view(host string) stepView {
	r.mu.RLock()
	v, ok := r.views[host]
	l, step, has := r.lesson, r.step, r.hasStep
	r.mu.RUnlock()
	if ok {
		return v
	}
	if !has {
		return stepView{Waiting: r.ui["room.waiting"]}
	}
	v, err := renderStep(l, step, lessons.Address{Host: host, Port: int(r.lessonPort.Load()), Reach: r.ui["reach.room"]}, r.ui)
	if err != nil {
		return stepView{Waiting: r.ui["room.waiting"]}
	}
	r.mu.Lock()
	// Only this machine's own addresses reach here, but keep it bounded.
	if r.lesson.ID == l.ID && r.step == step && len(r.views) < 16 {
		r.views[host] = v
	}
	r.mu.Unlock()
	return v
}

// Push takes an event of the lesson server and hands it to the streams of
// the address it came from. It never blocks (netcore.Sink).
func (r *Room) Push(e netcore.Event) {
	if e.Source == netcore.FromClient {
		return // the app's own client, not a visitor's connection
	}
	if e.Kind == netcore.Listening {
		r.listening(e.Local)
		return
	}
	ip := ipOf(e.Remote)
	if !ip.IsValid() {
		return
	}
	r.mu.RLock()
	for s := range r.byIP[ip] {
		s.offer(e)
	}
	r.mu.RUnlock()
}

// listening learns the lesson server's port from its listening event.
func (r *Room) listening(a net.Addr) {
	ta, ok := a.(*net.TCPAddr)
	if !ok || int64(ta.Port) == r.lessonPort.Load() {
		return
	}
	r.lessonPort.Store(int64(ta.Port))
	r.mu.Lock()
	clear(r.views) // they name the old port
	r.wakeStreams()
	r.mu.Unlock()
}

// Name is the name the visitor at a's address gave, "" if none. Names are
// checked to be printable, but they are still the visitor's text: show
// them through netcore.Escape like any other.
func (r *Room) Name(a net.Addr) string { return r.names.get(ipOf(a)) }

// Names are all names given, by address.
func (r *Room) Names() map[netip.Addr]string { return r.names.all() }

// join registers a stream for ip, or says why not.
func (r *Room) join(ip netip.Addr) (*stream, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams >= r.cfg.MaxStreams || len(r.byIP[ip]) >= r.cfg.MaxStreamsPerIP {
		return nil, false
	}
	s := newStream(ip, r.cfg.Queue)
	if r.byIP[ip] == nil {
		r.byIP[ip] = map[*stream]struct{}{}
	}
	r.byIP[ip][s] = struct{}{}
	r.streams++
	return s, true
}

func (r *Room) leave(s *stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byIP[s.ip], s)
	if len(r.byIP[s.ip]) == 0 {
		delete(r.byIP, s.ip)
	}
	r.streams--
}

// Streams is how many live streams are open.
func (r *Room) Streams() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.streams
}
