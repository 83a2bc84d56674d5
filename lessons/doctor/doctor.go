package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/netcore"
)

// Options say what to check and how to word it.
type Options struct {
	Addr    string            // where the course would listen, host:port
	UI      map[string]string // the interface strings (lessons.UIStrings)
	Version string            // this build, from Version
	Term    *os.File          // the terminal to measure, usually os.Stdout
}

// Line is one check's outcome. Fix is empty when all is well.
type Line struct {
	What, Text, Fix string
}

// Run makes every check, prints one line each on w, and returns how many
// found a problem.
func Run(w io.Writer, o Options) int {
	lines := []Line{
		Port(o.UI, o.Addr),
		tool(o.UI, "curl", "curl"),
		NC(o.UI),
		Browser(o.UI),
		Terminal(o.UI, o.Term),
		State(o.UI),
		{What: o.UI["doctor.version"], Text: o.Version},
	}
	problems := 0
	for _, l := range lines {
		mark := "✓"
		if l.Fix != "" {
			mark, problems = "✗", problems+1
		}
		s := mark + " " + l.What + ": " + l.Text
		if l.Fix != "" {
			s += "; " + o.UI["doctor.fix"] + ": " + l.Fix
		}
		fmt.Fprintln(w, netcore.EscapeText(s))
	}
	return problems
}

// Check is tubes doctor: every check for the course as o would run it;
// an error counts the problems, so the command exits 1.
func Check(w io.Writer, o *session.Options, version string) error {
	lang, err := o.Language()
	if err != nil {
		return err
	}
	addr, err := o.ListenAddr()
	if err != nil {
		return err
	}
	ui := lessons.UIStrings(lang)
	if n := Run(w, Options{Addr: addr, UI: ui, Version: version, Term: os.Stdout}); n > 0 {
		return errors.New(fill(ui["doctor.problems"], "{n}", strconv.Itoa(n)))
	}
	return nil
}

// fill replaces {name} in s with the values that follow it, in pairs.
func fill(s string, kv ...string) string { return strings.NewReplacer(kv...).Replace(s) }

// Port checks that the course can listen on addr, the way the course does.
func Port(ui map[string]string, addr string) Line {
	l := Line{What: ui["doctor.port"]}
	srv, err := netcore.Listen(netcore.Config{Addr: addr}, idle{}, netcore.Discard{})
	var inUse *netcore.PortInUseError
	switch {
	case errors.As(err, &inUse):
		next := strconv.Itoa(inUse.Port%65535 + 1)
		l.Text = fill(ui["doctor.port.busy"], "{addr}", addr)
		l.Fix = fill(ui["doctor.port.fix"], "{next}", next)
	case err != nil:
		l.Text = fill(ui["doctor.port.error"], "{addr}", addr, "{reason}", session.Reason(err).Say(ui))
		l.Fix = ui["doctor.port.fix.other"]
	default:
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		l.Text = fill(ui["doctor.port.free"], "{addr}", addr)
	}
	return l
}

// idle is a behavior for the moment doctor listens: it serves nobody.
type idle struct{}

func (idle) Name() string        { return "doctor" }
func (idle) Serve(*netcore.Conn) {}

// tool checks that a program is on PATH.
func tool(ui map[string]string, what, name string) Line {
	l := Line{What: what}
	path, err := exec.LookPath(name)
	if err != nil {
		l.Text, l.Fix = ui["doctor.missing"], ui["doctor."+name+".fix"]
		return l
	}
	l.Text = netcore.Quote(path)
	return l
}

// NC checks for OpenBSD netcat: the lessons use its -N (close after stdin).
func NC(ui map[string]string) Line {
	l := tool(ui, "nc", "nc")
	if l.Fix != "" {
		return l
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "nc", "-h").CombinedOutput()
	if !strings.Contains(string(out), "OpenBSD") {
		l.Text = fill(ui["doctor.nc.other"], "{path}", l.Text)
		l.Fix = ui["doctor.nc.fix"]
	}
	return l
}

// Browser finds a browser, or a program that opens one.
func Browser(ui map[string]string) Line {
	l := Line{What: ui["doctor.browser"]}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome", "firefox", "xdg-open", "open"} {
		if path, err := exec.LookPath(name); err == nil {
			l.Text = netcore.Quote(path)
			return l
		}
	}
	l.Text, l.Fix = ui["doctor.missing"], ui["doctor.browser.fix"]
	return l
}

// The smallest window the course draws in; below it, it asks for more.
const minWidth, minHeight = 60, 20

// Terminal measures f, when it is a terminal, and names its colours.
func Terminal(ui map[string]string, f *os.File) Line {
	l := Line{What: ui["doctor.terminal"]}
	if f == nil || !term.IsTerminal(f.Fd()) {
		l.Text = ui["doctor.terminal.none"]
		return l
	}
	w, h, err := term.GetSize(f.Fd())
	size := strconv.Itoa(w) + "×" + strconv.Itoa(h)
	profile := colorprofile.Detect(f, os.Environ()).String()
	l.Text = fill(ui["doctor.terminal.size"], "{size}", size, "{profile}", profile)
	if err == nil && (w < minWidth || h < minHeight) {
		l.Fix = fill(ui["doctor.terminal.fix"], "{min}", strconv.Itoa(minWidth)+"×"+strconv.Itoa(minHeight))
	}
	return l
}

// State checks that the progress can be saved: the state directory can be
// made and written.
func State(ui map[string]string) Line {
	l := Line{What: ui["doctor.state"]}
	dir, err := lessons.StateDir()
	if err != nil {
		l.Text, l.Fix = fill(ui["doctor.state.none"], "{reason}", session.Reason(err).Say(ui)), ui["doctor.state.fix"]
		return l
	}
	if err := writable(dir); err != nil {
		l.Text = fill(ui["doctor.state.bad"], "{dir}", netcore.Quote(dir), "{reason}", session.Reason(err).Say(ui))
		l.Fix = ui["doctor.state.fix"]
		return l
	}
	l.Text = fill(ui["doctor.state.ok"], "{dir}", netcore.Quote(dir))
	return l
}

func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_, err = f.WriteString("tubes doctor\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
