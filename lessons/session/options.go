// Package session opens what a run of tubes needs (the course, the
// progress, the server and the recorder) and runs the commands that need
// no screen: serve and tap's transcript, lessons, reset.
package session

import (
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
	fs.StringVar(&c.Addr, "listen", c.Addr, usage.T("flag.listen"))
	o.BindPort(fs)
	fs.BoolVar(&o.LAN, "lan", false, usage.T("flag.lan"))
	fs.IntVar(&o.RoomPort, "room-port", 0, usage.T("flag.room-port"))
	fs.StringVar(&o.Record, "record", "", usage.T("flag.record"))
	fs.Var(&o.RecordMax, "record-max", usage.T("flag.record-max"))
	fs.IntVar(&c.MaxConns, "max-conns", c.MaxConns, usage.T("flag.max-conns"))
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", c.MaxConnsPerIP, usage.T("flag.max-conns-per-ip"))
	fs.Float64Var(&c.ConnRatePerIP, "conn-rate", c.ConnRatePerIP, usage.T("flag.conn-rate"))
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, usage.T("flag.idle-timeout"))
	fs.DurationVar(&c.ReadHeaderTimeout, "header-timeout", c.ReadHeaderTimeout, usage.T("flag.header-timeout"))
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", c.MaxHeaderBytes, usage.T("flag.max-header-bytes"))
	fs.IntVar(&c.CaptureCap, "capture", c.CaptureCap, usage.T("flag.capture"))
	fs.Int64Var(&c.CaptureTotal, "capture-total", c.CaptureTotal, usage.T("flag.capture-total"))
}

// BindPort adds --port alone.
func (o *Options) BindPort(fs *pflag.FlagSet) {
	o.serverFlags = fs
	fs.IntVar(&o.Port, "port", o.Port, usage.T("flag.port"))
}

// BindLesson adds --lesson, and --step when withStep.
func (o *Options) BindLesson(fs *pflag.FlagSet, withStep bool) {
	fs.StringVar(&o.Lesson, "lesson", "", usage.T("flag.lesson"))
	if withStep {
		fs.IntVar(&o.Step, "step", 0, usage.T("flag.step"))
	}
}

// BindLang adds --lang.
func (o *Options) BindLang(fs *pflag.FlagSet) {
	fs.StringVar(&o.Lang, "lang", "", usage.T("flag.lang", strings.Join(lessons.Languages(), ", ")))
}

// BindScreen adds the flags of commands that draw the screen.
func (o *Options) BindScreen(fs *pflag.FlagSet) {
	fs.BoolVar(&o.NoColor, "no-color", false, usage.T("flag.no-color"))
	fs.StringVar(&o.Theme, "theme", o.Theme, usage.T("flag.theme", ThemeDefault, ThemeContrast))
	fs.BoolVar(&o.Presenter, "presenter", false, usage.T("flag.presenter"))
}

// BindOutput adds --json, and --plain when withPlain.
func (o *Options) BindOutput(fs *pflag.FlagSet, withPlain bool) {
	if withPlain {
		fs.BoolVar(&o.Plain, "plain", false, usage.T("flag.plain"))
	}
	fs.BoolVar(&o.JSON, "json", false, usage.T("flag.json"))
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
		return usage.Bad("usage.plain-json")
	}
	if o.Theme != ThemeDefault && o.Theme != ThemeContrast {
		return usage.Bad("usage.theme", netcore.Quote(o.Theme), ThemeDefault, ThemeContrast)
	}
	if o.roomPortSet() && (o.RoomPort < 0 || o.RoomPort > 65535) {
		return usage.Bad("usage.port.range", "--room-port", o.RoomPort)
	}
	if o.Step < 0 {
		return usage.Bad("usage.step", o.Step)
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
			return usage.Bad("usage.negative", l.flag)
		}
	}
	if c.MaxHeaderBytes != 0 && c.MaxHeaderBytes < 256 {
		return usage.Bad("usage.max-header-bytes", c.MaxHeaderBytes)
	}
	return nil
}

// Language picks --lang, else LC_ALL, LC_MESSAGES or LANG, else English.
func (o *Options) Language() (string, error) { return Language(o.Lang) }

// Language is the one rule for the course's language: flag (--lang) when
// given, else the first of LC_ALL, LC_MESSAGES and LANG that names a
// language the course has, else English.
func Language(flag string) (string, error) {
	have := lessons.Languages()
	if flag != "" {
		if !slices.Contains(have, flag) {
			return "", usage.Bad("usage.lang", netcore.Quote(flag), strings.Join(have, ", "))
		}
		return flag, nil
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
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
		return "", usage.Bad("usage.port.range", "--port", o.Port)
	}
	if bare := strings.Trim(addr, "[]"); !strings.Contains(addr, ":") || isIP(bare) {
		addr = net.JoinHostPort(bare, strconv.Itoa(DefaultPort())) // a host alone: the default port
	}
	hp, err := netcore.ParseListen(addr)
	if err != nil {
		return "", usage.Bad("usage.listen", err) // the error quotes the input escaped
	}
	if hp.Host != "" && !isIP(hp.Host) && !netcore.PlainHost(hp.Host) {
		return "", usage.Bad("usage.listen.host", netcore.Quote(addr))
	}
	if o.portSet() {
		hp.Port = o.Port
	}
	if o.LAN {
		hp.Host = "" // every interface, IPv4 and IPv6 alike
		return hp.String(), nil
	}
	if hp.Host == "" {
		return "", usage.Bad("usage.listen.nohost", netcore.Quote(addr), hp.Port)
	}
	return hp.String(), nil
}

func isIP(host string) bool { _, err := netip.ParseAddr(host); return err == nil }

// Reason is why err happened, in words by key (netcore.ReasonPhrase):
// without the names it repeats (a path, an address), which the message
// around it already shows quoted, and in the learner's language where
// the words say it.
func Reason(err error) netcore.Phrase { return netcore.ReasonPhrase(err) }
