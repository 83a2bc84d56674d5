// tubes is a hands-on course on how servers work, with a real server inside.
// main parses the command line and wires netcore, lessons and tui together.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/tui"
	"github.com/tubes-course/tubes/tui/plain"
)

// usageError is bad usage: it exits 2. Every other error exits 1.
type usageError struct{ error }

type options struct {
	lesson  string
	step    int
	listen  string
	port    int
	portSet bool // --port was given; 0 is a real value (any free port)
	lang    string
	plain   bool
	json    bool
	noColor bool
	target  string // tap: the learner's server
	lan     bool
	theme   string
	record  string
	limits  limits
}

// limits are the server's, each a flag whose default --help shows.
type limits struct {
	maxConns, perIP, maxHeader int
	rate                       float64
	idle, headerTimeout        time.Duration
	capture, captureTotal      int
}

func (l limits) check() error {
	for name, v := range map[string]float64{"--max-conns": float64(l.maxConns), "--max-conns-per-ip": float64(l.perIP),
		"--conn-rate": l.rate, "--max-header-bytes": float64(l.maxHeader), "--capture": float64(l.capture),
		"--capture-total": float64(l.captureTotal), "--idle-timeout": float64(l.idle), "--header-timeout": float64(l.headerTimeout)} {
		if v < 0 {
			return usageError{fmt.Errorf("bad %s: it cannot be negative", name)}
		}
	}
	if l.maxConns == 0 {
		return usageError{errors.New("bad --max-conns 0: the server would refuse everyone")}
	}
	if l.maxHeader != 0 && l.maxHeader < 256 {
		return usageError{fmt.Errorf("bad --max-header-bytes %d: no real request fits; use 256 or more", l.maxHeader)}
	}
	return nil
}

func (l limits) config(addr string) netcore.Config {
	return netcore.Config{Addr: addr, MaxConns: l.maxConns, MaxConnsPerIP: l.perIP, ConnRatePerIP: l.rate,
		IdleTimeout: l.idle, ReadHeaderTimeout: l.headerTimeout, MaxHeaderBytes: l.maxHeader,
		CaptureCap: l.capture, CaptureTotal: int64(l.captureTotal)}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	var o options
	root := &cobra.Command{
		Use:               "tubes",
		Short:             "A hands-on course on how servers work, with a real server inside",
		Version:           version(),
		Args:              usageArgs(cobra.NoArgs),
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE:              func(*cobra.Command, []string) error { return runCourse(o) },
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			o.portSet = cmd.Flags().Changed("port")
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&o.listen, "listen", netcore.DefaultAddr, "address to listen on (localhost means 127.0.0.1 and ::1)")
	pf.IntVar(&o.port, "port", 3000, "port to listen on, overriding --listen's (0 picks any free port)")
	pf.StringVar(&o.lang, "lang", "", "language of the lessons: en or ko (default: from LC_ALL or LANG, else en)")
	pf.BoolVar(&o.plain, "plain", false, "print a line transcript instead of the screen")
	pf.BoolVar(&o.json, "json", false, "print events as JSON lines instead of the screen")
	pf.BoolVar(&o.noColor, "no-color", false, "no colours (NO_COLOR is honoured too)")
	pf.BoolVar(&o.lan, "lan", false, "listen on every interface, so others in the room can connect")
	pf.StringVar(&o.theme, "theme", "default", "colours: default, or contrast for projectors")
	pf.StringVar(&o.record, "record", "", "also save every event to this file as JSON lines (play it with tubes replay)")
	pf.IntVar(&o.limits.maxConns, "max-conns", netcore.DefaultMaxConns, "connections open at once; more are refused")
	pf.IntVar(&o.limits.perIP, "max-conns-per-ip", 32, "connections open at once from one address (0: no limit)")
	pf.Float64Var(&o.limits.rate, "conn-rate", 20, "new connections a second from one address, bursts of twice that (0: no limit)")
	pf.DurationVar(&o.limits.idle, "idle-timeout", netcore.DefaultIdleTimeout, "close a silent connection after this, where a lesson step sets no time of its own")
	pf.DurationVar(&o.limits.headerTimeout, "header-timeout", 10*time.Second, "time an HTTP request's header may take to arrive (0: no limit)")
	pf.IntVar(&o.limits.maxHeader, "max-header-bytes", 8<<10, "largest HTTP request header; larger ones get 431")
	pf.IntVar(&o.limits.capture, "capture", netcore.DefaultCaptureCap, "bytes of each connection kept for display (the counts stay exact)")
	pf.IntVar(&o.limits.captureTotal, "capture-total", 32<<20, "bytes kept for display over all connections (0: no total limit)")
	root.Flags().StringVar(&o.lesson, "lesson", "", "open this lesson (ids: tubes lessons)")
	root.Flags().IntVar(&o.step, "step", 0, "open this step of the lesson (from 1)")

	serve := &cobra.Command{
		Use:   "serve --lesson ID [--step N]",
		Short: "Run a step's server without the screen and print every event",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if o.lesson == "" {
				return usageError{errors.New("serve needs --lesson ID (see tubes lessons)")}
			}
			return runServe(o)
		},
	}
	serve.Flags().StringVar(&o.lesson, "lesson", "", "lesson id (see tubes lessons)")
	serve.Flags().IntVar(&o.step, "step", 0, "step number, from 1")

	list := &cobra.Command{
		Use:   "lessons",
		Short: "List the lessons with their ids and your progress",
		Args:  usageArgs(cobra.NoArgs),
		RunE:  func(*cobra.Command, []string) error { return runList(o) },
	}
	var yes bool
	reset := &cobra.Command{
		Use:   "reset [ID]",
		Short: "Forget your progress, in one lesson or in all (asks first)",
		Args:  usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(_ *cobra.Command, args []string) error {
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return runReset(o, id, yes)
		},
	}
	reset.Flags().BoolVar(&yes, "yes", false, "do not ask")

	var target string
	tap := &cobra.Command{
		Use:   "tap --target HOST:PORT",
		Short: "Sit in front of your own server and show its bytes live",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if err := checkTarget(target, o); err != nil {
				return err
			}
			return runTap(o, target)
		},
	}
	tap.Flags().StringVar(&target, "target", "", "your server's address, e.g. localhost:8080")
	replay := &cobra.Command{
		Use:   "replay FILE",
		Short: "Play a recording made with --record, with pause (space) and step (.)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE:  func(_ *cobra.Command, args []string) error { return runReplay(o, args[0]) },
	}
	root.AddCommand(replay)
	root.AddCommand(serve, list, reset, tap, checkCommand(&o))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetArgs(args)

	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "tubes: "+oneLine(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// usageArgs marks a command's argument errors as bad usage (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// isCobraUsage spots the one usage error cobra makes before any of our
// code runs: a subcommand that does not exist.
func isCobraUsage(err error) bool { return strings.HasPrefix(err.Error(), "unknown command") }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// listenAddr combines --listen, --port and --lan into one host:port.
func (o options) listenAddr() (string, error) {
	addr := o.listen
	if o.lan {
		// Every interface, IPv4 and IPv6 alike.
		addr = ":" + strconv.Itoa(portOf(o.listen, 3000))
		if o.portSet {
			addr = ":" + strconv.Itoa(o.port)
		}
		if o.portSet && (o.port < 0 || o.port > 65535) {
			return "", usageError{fmt.Errorf("bad --port %d: want 0 to 65535", o.port)}
		}
		return addr, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if strings.Contains(addr, ":") && !strings.Contains(addr, "]") && strings.Count(addr, ":") == 1 {
			return "", usageError{fmt.Errorf("bad --listen %q: want HOST:PORT, e.g. localhost:3000", addr)}
		}
		host, port = strings.Trim(addr, "[]"), "3000"
	}
	if o.portSet {
		port = strconv.Itoa(o.port)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		if o.portSet {
			return "", usageError{fmt.Errorf("bad --port %d: want 0 to 65535", o.port)}
		}
		return "", usageError{fmt.Errorf("bad port %q in --listen: want 0 to 65535", port)}
	}
	if host == "" {
		return "", usageError{fmt.Errorf("bad --listen %q: give a host, e.g. localhost:%s (use 0.0.0.0:%s to let other machines in)", addr, port, port)}
	}
	return net.JoinHostPort(host, port), nil
}

// language picks --lang, else LANG/LC_ALL, else English.
func (o options) language() (string, error) {
	have := lessons.Languages()
	has := func(l string) bool {
		for _, h := range have {
			if h == l {
				return true
			}
		}
		return false
	}
	if o.lang != "" {
		if !has(o.lang) {
			return "", usageError{fmt.Errorf("no lessons in language %q (have: %s)", o.lang, strings.Join(have, ", "))}
		}
		return o.lang, nil
	}
	for _, env := range []string{"LC_ALL", "LANG"} {
		if v := os.Getenv(env); len(v) >= 2 && has(v[:2]) {
			return v[:2], nil
		}
	}
	return "en", nil
}

// world is everything a run needs, opened before any screen is drawn so
// that a failure is a plain one-line error.
type world struct {
	course     *lessons.Course
	store      *lessons.Store
	progress   lessons.Progress
	notice     string
	inbox      *netcore.Inbox
	server     *netcore.Server
	recorder   *netcore.Recorder
	recordFile *os.File
	addr       lessons.Address
	lesson     int
	step       int
}

func open(o options, needServer bool) (*world, error) {
	if o.plain && o.json {
		return nil, usageError{errors.New("choose one of --plain and --json")}
	}
	if o.theme != "default" && o.theme != "contrast" {
		return nil, usageError{fmt.Errorf("bad --theme %q: want default or contrast", o.theme)}
	}
	if err := o.limits.check(); err != nil {
		return nil, err
	}
	if o.step < 0 {
		return nil, usageError{fmt.Errorf("bad --step %d: steps count from 1", o.step)}
	}
	lang, err := o.language()
	if err != nil {
		return nil, err
	}
	w := &world{}
	if w.course, err = lessons.Load(lang); err != nil {
		return nil, err
	}
	if dir, err := lessons.StateDir(); err == nil {
		if w.store, w.progress, w.notice, err = lessons.OpenStore(dir); err != nil {
			return nil, err
		}
		if w.notice != "" {
			w.notice = lessons.UIStrings(lang)["notice.damaged"] + " " + w.notice
			fmt.Fprintln(os.Stderr, "tubes: "+w.notice)
		}
	}
	if o.lesson != "" {
		if w.lesson, w.step, err = w.course.Locate(o.lesson, o.step); err != nil {
			return nil, usageError{err}
		}
		w.progress.Lesson, w.progress.Step = o.lesson, w.step
	} else if o.step != 0 {
		return nil, usageError{errors.New("--step needs --lesson")}
	} else if i := w.course.Find(w.progress.Lesson); i >= 0 {
		w.lesson, w.step = i, min(max(w.progress.Step, 0), len(w.course.Lessons[i].Steps)-1)
	}
	if !needServer {
		return w, nil
	}
	addr, err := o.listenAddr()
	if err != nil {
		return nil, err
	}
	w.inbox = netcore.NewInbox(20000)
	var sink netcore.Sink = w.inbox
	if o.record != "" {
		f, err := os.Create(o.record)
		if err != nil {
			return nil, usageError{fmt.Errorf("cannot write the record file: %v", err)}
		}
		w.recordFile, w.recorder = f, netcore.NewRecorder(f)
		sink = netcore.Tee{w.inbox, w.recorder}
	}
	var behavior netcore.Behavior = w.course.Lessons[w.lesson].Steps[w.step].Behavior
	if o.target != "" {
		behavior = netcore.Tap{Target: o.target}
	}
	w.server, err = netcore.Listen(o.limits.config(addr), behavior, sink)
	if err != nil && w.recorder != nil {
		w.closeRecord()
		_ = os.Remove(o.record)
	}
	var inUse *netcore.PortInUseError
	if errors.As(err, &inUse) {
		return nil, fmt.Errorf("port %d is already in use; choose another with --port %d, or --port 0 for any free port", inUse.Port, nextPort(inUse.Port))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	w.addr = lessons.Address{Host: w.server.Host(), Port: w.server.Port()}
	return w, nil
}

func nextPort(p int) int {
	if p >= 65535 || p == 0 {
		return 3001
	}
	return p + 1
}

func (w *world) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = w.server.Shutdown(ctx)
	w.closeRecord()
}

// closeRecord finishes the recording, and says so if any event missed it.
func (w *world) closeRecord() {
	if w.recorder == nil {
		return
	}
	dropped, err := w.recorder.Close()
	w.recorder = nil
	if cerr := w.recordFile.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tubes: the recording is incomplete: %v\n", err)
	} else if dropped > 0 {
		fmt.Fprintf(os.Stderr, "tubes: %d events came too fast to record\n", dropped)
	}
}

func runCourse(o options) error {
	if o.plain && !o.json {
		return runPlain(o)
	}
	if o.plain || o.json {
		return runServe(o)
	}
	w, err := open(o, true)
	if err != nil {
		return err
	}
	defer w.shutdown()
	client := netcore.NewClient(w.inbox)
	defer client.CloseAll()
	noColor := o.noColor || os.Getenv("NO_COLOR") != ""
	w.progress.Lesson, w.progress.Step = w.course.Lessons[w.lesson].ID, w.step
	m := tui.New(tui.Deps{
		Backend: tui.NewLive(w.server, client, w.inbox, o.target), Course: w.course, Store: w.store,
		Progress: w.progress, Addr: w.addr, UI: lessons.UIStrings(w.course.Lang), Notice: w.notice, NoColor: noColor,
		URLs: roomURLs(w.server.Host(), w.server.Port()), Contrast: o.theme == "contrast",
	})
	return runProgram(m, noColor)
}

// runPlain is the course as plain lines (tubes --plain), commands on stdin.
func runPlain(o options) error {
	w, err := open(o, true)
	if err != nil {
		return err
	}
	defer w.shutdown()
	client := netcore.NewClient(w.inbox)
	defer client.CloseAll()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w.progress.Lesson, w.progress.Step = w.course.Lessons[w.lesson].ID, w.step
	return plain.Run(ctx, plain.Config{Course: w.course, Store: w.store, Progress: w.progress, Server: w.server,
		Client: client, Inbox: w.inbox, Addr: w.addr, In: os.Stdin, Out: os.Stdout})
}

// runServe runs one step's server and prints the transcript until Ctrl+C.
func runServe(o options) error {
	w, err := open(o, true)
	if err != nil {
		return err
	}
	l := w.course.Lessons[w.lesson]
	fmt.Fprintf(os.Stderr, "tubes: serving %s step %d/%d (%s) on %s; press Ctrl+C to stop\n",
		l.ID, w.step+1, len(l.Steps), l.Steps[w.step].Behavior.Name(), w.addr.URL())
	return printUntilInterrupt(w, o.json)
}

// printUntilInterrupt prints the transcript until Ctrl+C or SIGTERM, then
// shuts the server down and prints what is left.
func printUntilInterrupt(w *world, asJSON bool) error {
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		w.shutdown()
		close(stop)
	}()
	return netcore.PrintTranscript(os.Stdout, w.inbox, asJSON, stop)
}

func runList(o options) error {
	w, err := open(o, false)
	if err != nil {
		return err
	}
	w.course.WriteList(os.Stdout, w.progress)
	return nil
}

type checkFlags struct {
	target, wait, idleWait string
}

// checkCommand is `tubes check`: the lesson's probes against the learner's
// own server.
func checkCommand(o *options) *cobra.Command {
	var cf checkFlags
	check := &cobra.Command{
		Use:   "check --lesson ID --target HOST:PORT [--wait 5s] [--json]",
		Short: "Test your own server for what a lesson teaches; exit 0 when every probe passes",
		Args:  usageArgs(cobra.NoArgs),
		RunE:  func(*cobra.Command, []string) error { return runCheck(*o, cf) },
	}
	check.Flags().StringVar(&o.lesson, "lesson", "", "lesson id (see tubes lessons)")
	check.Flags().StringVar(&cf.target, "target", "", "your server, HOST:PORT (e.g. localhost:8080)")
	check.Flags().StringVar(&cf.wait, "wait", "5s", "how long to keep trying while your server comes up (0: try once)")
	check.Flags().StringVar(&cf.idleWait, "idle-wait", "15s", "how long the timeouts probe waits for your server to close an idle connection")
	return check
}

// runCheck probes the learner's server and prints the report; any failed
// probe makes it exit 1.
func runCheck(o options, cf checkFlags) error {
	if o.lesson == "" {
		return usageError{errors.New("check needs --lesson ID (see tubes lessons)")}
	}
	set, ok := lessons.Probes(o.lesson)
	if !ok {
		return usageError{fmt.Errorf("no lesson %q (see tubes lessons)", o.lesson)}
	}
	if cf.target == "" {
		return usageError{errors.New("check needs --target HOST:PORT, where your server listens (e.g. localhost:8080)")}
	}
	target, err := probe.ParseTarget(cf.target)
	if err != nil {
		return usageError{err}
	}
	wait, err := parseWait("--wait", cf.wait, true)
	if err != nil {
		return err
	}
	idle, err := parseWait("--idle-wait", cf.idleWait, false)
	if err != nil {
		return err
	}
	if wait == 0 {
		wait = -1 // try once
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := probe.Run(ctx, o.lesson, set, probe.Options{Target: target, Wait: wait, IdleWait: idle})
	if err != nil {
		return usageError{err}
	}
	if o.json {
		err = rep.WriteJSON(os.Stdout)
	} else {
		err = rep.WriteText(os.Stdout)
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	if !rep.Pass() {
		return errors.New(rep.Summary())
	}
	return nil
}

// parseWait reads a duration flag such as 5s or 500ms.
func parseWait(flag, s string, zeroOK bool) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d == 0 && !zeroOK {
		return 0, usageError{fmt.Errorf("bad %s %q: want a duration like 5s or 500ms", flag, s)}
	}
	return d, nil
}

// runReset forgets progress after asking, unless --yes. Without a terminal
// to ask on, it refuses rather than guess.
func runReset(o options, id string, yes bool) error {
	w, err := open(o, false)
	if err != nil {
		return err
	}
	if w.store == nil {
		return errors.New("no state directory: there is no progress to forget")
	}
	what := "all your progress"
	if id != "" {
		if w.course.Find(id) < 0 {
			return usageError{fmt.Errorf("no lesson %q (see tubes lessons)", id)}
		}
		what = "your progress in " + id
	}
	if !yes {
		fmt.Fprintf(os.Stderr, "Forget %s? [y/N] ", what)
		answer, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && answer == "" {
			fmt.Fprintln(os.Stderr)
			return usageError{errors.New("no answer; run tubes reset --yes to skip the question")}
		}
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(os.Stderr, "Nothing forgotten.")
			return nil
		}
	}
	w.progress.Forget(id)
	if err := w.store.Save(w.progress, 1); err != nil {
		return fmt.Errorf("cannot save progress: %v", err)
	}
	fmt.Fprintf(os.Stderr, "Forgot %s.\n", what)
	return nil
}

// checkTarget validates --target: present, host:port, and not the tap's
// own address (which would relay to itself forever).
func checkTarget(target string, o options) error {
	if target == "" {
		return usageError{errors.New("tap needs --target HOST:PORT, the address of your server")}
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil || host == "" {
		return usageError{fmt.Errorf("bad --target %q: want HOST:PORT, e.g. localhost:8080", target)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return usageError{fmt.Errorf("bad port in --target %q: want 1 to 65535", target)}
	}
	if listen, err := o.listenAddr(); err == nil {
		if _, lp, _ := net.SplitHostPort(listen); lp == port && isLoopback(host) {
			return usageError{fmt.Errorf("--target %s is the tap's own address; run your server on another port, or move the tap with --port", target)}
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runTap is the course with the server replaced by a tap in front of the
// learner's server; --plain or --json print the transcript instead.
func runTap(o options, target string) error {
	o.target = target
	if o.plain || o.json {
		w, err := open(o, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "tubes: tap on %s → your server at %s; press Ctrl+C to stop\n", w.addr.URL(), target)
		return printUntilInterrupt(w, o.json)
	}
	return runCourse(o)
}

func portOf(addr string, fallback int) int {
	if _, p, err := net.SplitHostPort(addr); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			return n
		}
	}
	return fallback
}

// roomURLs are the addresses others can open when the server listens on
// every interface: one per non-loopback address of this machine.
func roomURLs(host string, port int) []string {
	if host != "" && host != "0.0.0.0" && host != "::" {
		return nil
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v4, v6 []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		url := "http://" + net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port)) + "/"
		if ipn.IP.To4() != nil {
			v4 = append(v4, url)
		} else if host != "0.0.0.0" {
			v6 = append(v6, url)
		}
	}
	return append(v4, v6...)
}

// runReplay plays a recording in the screen: no server runs.
func runReplay(o options, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return usageError{fmt.Errorf("cannot read the recording: %v", err)}
	}
	events, err := netcore.ReadRecording(f)
	f.Close()
	if err != nil {
		return usageError{fmt.Errorf("%s is not a tubes recording: %v", file, err)}
	}
	w, err := open(o, false)
	if err != nil {
		return err
	}
	inbox := netcore.NewInbox(20000)
	rep := netcore.NewReplayer(events, inbox)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rep.Run(ctx)
	noColor := o.noColor || os.Getenv("NO_COLOR") != ""
	m := tui.New(tui.Deps{Backend: tui.NewReplay(rep, inbox), Course: w.course, Progress: w.progress, UI: lessons.UIStrings(w.course.Lang),
		Addr: lessons.Address{Host: "localhost", Port: portOf(o.listen, 3000)}, NoColor: noColor, Contrast: o.theme == "contrast"})
	return runProgram(m, noColor)
}

func runProgram(m *tui.Model, noColor bool) error {
	var opts []tea.ProgramOption
	if noColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.ASCII))
	}
	if _, err := tea.NewProgram(m, opts...).Run(); err != nil {
		return fmt.Errorf("the screen failed: %v", err)
	}
	return nil
}
