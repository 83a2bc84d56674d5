// Package session opens what a run of tubes needs (the course, the
// progress, the server and the recorder) and runs the commands that need
// no screen: serve and tap's transcript, lessons, reset.
package session

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// Themes are the values of --theme.
const (
	ThemeDefault  = "default"
	ThemeContrast = "contrast"
)

// Options are the values of every flag of every command, in one place.
// Each command binds only the groups it acts on.
type Options struct {
	// Server is the address and the limits; --listen and the limit flags
	// bind to its fields, and it starts as netcore.DefaultConfig().
	Server netcore.Config
	Port   int // --port, used only when given (0 is a real value: any free port)
	LAN    bool
	// RoomPort is --room-port: the room page's port, by default the
	// lesson port + 1. Given, it opens the room whatever --listen says.
	RoomPort int
	// Presenter is --presenter: clicker keys (pgdn/pgup change step).
	Presenter bool
	Record    string
	// RecordMax is --record-max: recording stops at this size.
	RecordMax netcore.ByteSize
	Theme     string
	Lesson    string
	Step      int
	Lang      string
	NoColor,
	Plain, JSON bool
	// Target is tap's --target: the learner's server.
	Target string

	serverFlags *pflag.FlagSet // to tell a given --port from the default
}

// NewOptions holds the shipped defaults.
func NewOptions() *Options {
	return &Options{Server: netcore.DefaultConfig(), Port: DefaultPort(), Theme: ThemeDefault, RecordMax: netcore.ByteSize(netcore.DefaultRecordMax)}
}

// DefaultPort is the port of netcore.DefaultConfig's address.
func DefaultPort() int {
	_, p, _ := net.SplitHostPort(netcore.DefaultConfig().Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// BindServer adds the flags of commands that run a server: course, serve, tap.
func (o *Options) BindServer(fs *pflag.FlagSet) {
	c := &o.Server
	fs.StringVar(&c.Addr, "listen", c.Addr, "address to listen on (localhost means 127.0.0.1 and ::1)")
	o.BindPort(fs)
	fs.BoolVar(&o.LAN, "lan", false, "listen on every interface, so others in the room can connect")
	fs.IntVar(&o.RoomPort, "room-port", 0, "port of the room page for students' devices (default: the lesson port + 1; with --lan or a non-loopback --listen, or when given)")
	fs.StringVar(&o.Record, "record", "", "also save every event to this file as JSON lines (play it with tubes replay)")
	fs.Var(&o.RecordMax, "record-max", "stop recording at this size, e.g. 256MiB, 500KB, 2GB or bytes")
	fs.IntVar(&c.MaxConns, "max-conns", c.MaxConns, "connections open at once; more are refused (0: no limit)")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", c.MaxConnsPerIP, "connections open at once from one address (0: no limit)")
	fs.Float64Var(&c.ConnRatePerIP, "conn-rate", c.ConnRatePerIP, "new connections a second from one address, bursts of twice that (0: no limit)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "the longest a connection may stay silent; a step's own time is cut to it (0: no cap)")
	fs.DurationVar(&c.ReadHeaderTimeout, "header-timeout", c.ReadHeaderTimeout, "time an HTTP request's header may take to arrive (0: no limit)")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", c.MaxHeaderBytes, "largest HTTP request header; larger ones get 431")
	fs.IntVar(&c.CaptureCap, "capture", c.CaptureCap, "bytes of each connection kept for display; the counts stay exact (0: no limit per connection)")
	fs.Int64Var(&c.CaptureTotal, "capture-total", c.CaptureTotal, "bytes kept for display over all connections (0: no total limit)")
}

// BindPort adds --port alone.
func (o *Options) BindPort(fs *pflag.FlagSet) {
	o.serverFlags = fs
	fs.IntVar(&o.Port, "port", o.Port, "port to listen on, overriding --listen's (0 picks any free port)")
}

// BindLesson adds --lesson, and --step when withStep.
func (o *Options) BindLesson(fs *pflag.FlagSet, withStep bool) {
	fs.StringVar(&o.Lesson, "lesson", "", "lesson id (see tubes lessons)")
	if withStep {
		fs.IntVar(&o.Step, "step", 0, "step number in the lesson, from 1")
	}
}

// BindLang adds --lang.
func (o *Options) BindLang(fs *pflag.FlagSet) {
	fs.StringVar(&o.Lang, "lang", "", "language of the lessons: "+strings.Join(lessons.Languages(), " or ")+" (default: from LC_ALL or LANG, else en)")
}

// BindScreen adds the flags of commands that draw the screen.
func (o *Options) BindScreen(fs *pflag.FlagSet) {
	fs.BoolVar(&o.NoColor, "no-color", false, "no colours (NO_COLOR is honoured too)")
	fs.StringVar(&o.Theme, "theme", o.Theme, "colours: "+ThemeDefault+", or "+ThemeContrast+" for projectors")
	fs.BoolVar(&o.Presenter, "presenter", false, "presenter keys for a clicker: pgdn/pgup change step, z blanks the screen")
}

// BindOutput adds --json, and --plain when withPlain.
func (o *Options) BindOutput(fs *pflag.FlagSet, withPlain bool) {
	if withPlain {
		fs.BoolVar(&o.Plain, "plain", false, "print a line transcript instead of the screen")
	}
	fs.BoolVar(&o.JSON, "json", false, "print JSON lines instead of text")
}

// Colorless is --no-color or NO_COLOR.
func (o *Options) Colorless() bool { return o.NoColor || os.Getenv("NO_COLOR") != "" }

func (o *Options) portSet() bool { return o.serverFlags != nil && o.serverFlags.Changed("port") }

func (o *Options) roomPortSet() bool {
	return o.serverFlags != nil && o.serverFlags.Changed("room-port")
}

// RoomMode reports whether the room is let in: --lan, a --listen address
// that is not loopback, or a --room-port given. listen is ListenAddr's.
func (o *Options) RoomMode(listen string) bool {
	if o.LAN || o.roomPortSet() {
		return true
	}
	hp, err := netcore.ParseListen(listen)
	if err != nil {
		return false
	}
	if hp.Host == "localhost" {
		return false
	}
	ip, err := netip.ParseAddr(strings.Trim(hp.Host, "[]"))
	return err != nil || !ip.IsLoopback() // a host name may be anything: treat it as the room's
}

func (o *Options) check() error {
	if o.Plain && o.JSON {
		return usage.Errorf("choose one of --plain and --json")
	}
	if o.Theme != ThemeDefault && o.Theme != ThemeContrast {
		return usage.Errorf("bad --theme %s: want %s or %s", netcore.Quote(o.Theme), ThemeDefault, ThemeContrast)
	}
	if o.roomPortSet() && (o.RoomPort < 0 || o.RoomPort > 65535) {
		return usage.Errorf("bad --room-port %d: want 0 to 65535", o.RoomPort)
	}
	if o.Step < 0 {
		return usage.Errorf("bad --step %d: steps count from 1", o.Step)
	}
	return checkLimits(o.Server)
}

func checkLimits(c netcore.Config) error {
	for _, l := range []struct {
		flag string
		v    float64
	}{{"--max-conns", float64(c.MaxConns)}, {"--max-conns-per-ip", float64(c.MaxConnsPerIP)}, {"--conn-rate", c.ConnRatePerIP},
		{"--max-header-bytes", float64(c.MaxHeaderBytes)}, {"--capture", float64(c.CaptureCap)}, {"--capture-total", float64(c.CaptureTotal)},
		{"--idle-timeout", float64(c.IdleTimeout)}, {"--header-timeout", float64(c.ReadHeaderTimeout)}} {
		if l.v < 0 {
			return usage.Errorf("bad %s: it cannot be negative", l.flag)
		}
	}
	if c.MaxHeaderBytes != 0 && c.MaxHeaderBytes < 256 {
		return usage.Errorf("bad --max-header-bytes %d: no real request fits; use 256 or more", c.MaxHeaderBytes)
	}
	return nil
}

// Language picks --lang, else LC_ALL or LANG, else English.
func (o *Options) Language() (string, error) {
	have := lessons.Languages()
	if o.Lang != "" {
		if !slices.Contains(have, o.Lang) {
			return "", usage.Errorf("no lessons in language %s (have: %s)", netcore.Quote(o.Lang), strings.Join(have, ", "))
		}
		return o.Lang, nil
	}
	for _, env := range []string{"LC_ALL", "LANG"} {
		if v := os.Getenv(env); len(v) >= 2 && slices.Contains(have, v[:2]) {
			return v[:2], nil
		}
	}
	return "en", nil
}

// ListenAddr combines --listen, --port and --lan into one host:port,
// checked by the one address validator (netcore.ParseListen).
func (o *Options) ListenAddr() (string, error) {
	addr := o.Server.Addr
	if o.portSet() && (o.Port < 0 || o.Port > 65535) {
		return "", usage.Errorf("bad --port %d: want 0 to 65535", o.Port)
	}
	if bare := strings.Trim(addr, "[]"); !strings.Contains(addr, ":") || isIP(bare) {
		addr = net.JoinHostPort(bare, strconv.Itoa(DefaultPort())) // a host alone: the default port
	}
	hp, err := netcore.ParseListen(addr)
	if err != nil {
		return "", usage.Errorf("bad --listen %s", err) // the error quotes the input escaped
	}
	if hp.Host != "" && !isIP(hp.Host) && !netcore.PlainHost(hp.Host) {
		return "", usage.Errorf("bad --listen %s: a host name has only letters, digits, dots and dashes", netcore.Quote(addr))
	}
	if o.portSet() {
		hp.Port = o.Port
	}
	if o.LAN {
		hp.Host = "" // every interface, IPv4 and IPv6 alike
		return hp.String(), nil
	}
	if hp.Host == "" {
		return "", usage.Errorf("bad --listen %s: give a host, e.g. localhost:%d (use 0.0.0.0:%d to let other machines in)", netcore.Quote(addr), hp.Port, hp.Port)
	}
	return hp.String(), nil
}

func isIP(host string) bool { _, err := netip.ParseAddr(host); return err == nil }

// Reason is err without the names it repeats (a path, an address), which
// the message around it already shows quoted.
func Reason(err error) string {
	var pe *os.PathError
	var oe *net.OpError
	var de *net.DNSError
	switch {
	case errors.As(err, &de):
		return de.Err
	case errors.As(err, &pe):
		return pe.Err.Error()
	case errors.As(err, &oe) && oe.Err != nil:
		return Reason(oe.Err)
	}
	return err.Error()
}
