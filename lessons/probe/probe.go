package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// This file is `tubes check`: probes that test a learner's own server, at
// HOST:PORT, for what a lesson teaches. Each probe makes a real exchange on
// loopback (or wherever the server is), keeps every byte sent and received,
// and gives a verdict with a reason a learner can act on.

// Outcome is the kind of a probe's verdict. Each failure kind has its own
// words in the report, so a learner can tell them apart.
type Outcome string

const (
	Passed       Outcome = "pass"
	NotListening Outcome = "refused"     // nothing is listening
	Unreachable  Outcome = "unreachable" // the connect itself got no answer, or the host is unknown
	TimedOut     Outcome = "timeout"     // accepted, but no reply in time
	ClosedEarly  Outcome = "closed"      // closed without replying
	WasReset     Outcome = "reset"       // reset the connection
	Malformed    Outcome = "malformed"   // the reply breaks the protocol's rules
	Hung         Outcome = "hang"        // the reply never ends: a client waits forever
	Wrong        Outcome = "wrong"       // not what the lesson's server does: a wrong answer, a late close, a missing reply
	Overdue      Outcome = "overdue"     // still going when the probe's (or the check's) time ran out
	// Not failures: a warning passes, and a knock-on result is not judged.
	Warned     Outcome = "warn"        // right, but short of what a SHOULD asks (a WARN)
	Slow       Outcome = "slow"        // right, but later than a client would wait (a WARN)
	NotChecked Outcome = "not-checked" // a knock-on: an earlier probe's failure left nothing to judge
)

// Result is the verdict of one probe, with what it sent and received.
type Result struct {
	// ID names the probe in the spec and in check.txt (probe.ID.name,
	// probe.ID.pass); Name is its name in the check's language.
	ID   string
	Name string
	// Pass is false for a FAIL and for a knock-on (NotChecked); a WARN
	// passes. Verdict says which.
	Pass bool
	Kind Outcome
	// Reason says, for a failure, what went wrong in plain language. Note
	// adds what is worth knowing either way (timings, what was seen).
	Reason string
	Note   string
	// Command reproduces the probe from a shell.
	Command  string
	Sent     []byte
	Received []byte
	// Total is how many bytes came in all; more than len(Received) when
	// the reply was longer than a probe keeps (KeepBytes).
	Total int
	// Ending says how the received bytes ended: "closed", "reset",
	// "quiet" (nothing more came) or "open" (the probe stopped reading).
	Ending string
	// Caret is the offset in Received of the first wrong byte; it may
	// equal len(Received) ("right after the last byte"); -1 for none.
	Caret int
	Took  time.Duration

	ex *probeEx // shared by probes that judge the same exchange
	// patient: the probe waits on purpose (idle closes, slow handlers), so
	// its time is not judged against Options.Slow.
	patient bool
	// sends says in words, for the spec, what the probe sends where its
	// bytes alone do not say it: a handshake, frames under a new key,
	// requests made from an earlier reply (check.txt probe.ID.sends).
	sends string
}

// Options are the knobs of a check. Zero values take the defaults.
type Options struct {
	// Target is the learner's server, HOST:PORT.
	Target string
	// Wait is how long to keep trying to connect while the server comes
	// up (default 5s; negative: try once).
	Wait time.Duration
	// Reply is how long to wait for the first byte of a reply (10s,
	// --reply-wait).
	Reply time.Duration
	// Quiet is how long a reply may pause before the probe decides that
	// nothing more is coming (10s, --reply-wait). It is how a hang is
	// detected.
	Quiet time.Duration
	// Slow is how late a right reply may come before it is a WARN (5s):
	// a person at a browser has given up by then, though no client's
	// own timeout has fired.
	Slow time.Duration
	// Lang is the language of the report's words (en, ko).
	Lang string
	// IdleWait is how long a probe waits for the server to close a
	// connection on its own: an idle one (tcp-accept, timeouts, keep-alive
	// after an answer) or one whose header trickles in (timeouts) (15s).
	IdleWait time.Duration
	// Pause is the time between the byte-stream probe's writes (200ms).
	Pause time.Duration
	// Probe is how long one probe may take in all, however the server
	// drips its bytes (30s; the timeouts probe gets at least IdleWait
	// and Quiet on top).
	Probe time.Duration
	// Run is how long the whole check may take (3m, or more when Wait,
	// IdleWait and Probe add up to more).
	Run time.Duration
}

const (
	DefaultCheckWait = 5 * time.Second
	DefaultIdleWait  = 15 * time.Second
	DefaultProbeTime = 30 * time.Second
	DefaultRunTime   = 3 * time.Minute
	DefaultReplyWait = 10 * time.Second
	DefaultSlow      = 5 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Wait == 0 {
		o.Wait = DefaultCheckWait
	}
	if o.Reply <= 0 {
		o.Reply = DefaultReplyWait
	}
	if o.Quiet <= 0 {
		o.Quiet = DefaultReplyWait
	}
	if o.Slow <= 0 {
		o.Slow = DefaultSlow
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.IdleWait <= 0 {
		o.IdleWait = DefaultIdleWait
	}
	if o.Pause <= 0 {
		o.Pause = 200 * time.Millisecond
	}
	if o.Probe <= 0 {
		o.Probe = DefaultProbeTime
	}
	if o.Run <= 0 {
		o.Run = max(DefaultRunTime, max(o.Wait, 0)+o.IdleWait+o.Probe)
	}
	return o
}

// ParseTarget checks a --target with netcore.ParseTarget: HOST:PORT, with
// a port from 1 to 65535 and nothing unprintable. Its error is netcore's,
// in words by key, the input escaped.
func ParseTarget(s string) (string, error) {
	hp, err := netcore.ParseTarget(s)
	if err != nil {
		return "", err
	}
	return hp.String(), nil
}

// Set is a lesson's probes for `tubes check`. The course's registry
// (lessons.bindings) names each lesson's set.
type Set func(context.Context, *prober) []Result

// The probe sets of the lessons, in course order.
var (
	TCPAccept     Set = probeAccept
	Client        Set = probeClient
	PingPong          = single(probePingPong)
	ByteStream        = single(probeByteStream)
	HTTPResponse  Set = probeHTTPResponse
	ContentLength Set = probeContentLength
	HTTPRequest   Set = probeHTTPRequest
	Routing       Set = probeRouting
	Concurrency   Set = probeConcurrency
	KeepAlive     Set = probeKeepAlive
	Timeouts      Set = func(ctx context.Context, p *prober) []Result {
		out := append([]Result{probeTimeouts(ctx, p)}, p.timeoutsGuards(ctx)...)
		return append(out, p.piecesProbes(ctx, nil)...)
	}
)

func single(f func(context.Context, *prober) Result) Set {
	return func(ctx context.Context, p *prober) []Result { return []Result{f(ctx, p)} }
}

// Run runs the probes of lesson (its id, for the report) against
// opt.Target. No connection is made that the report does not show: the
// first probe's own connect is retried while the server comes up (for
// opt.Wait). When nothing listens by then, the report holds that probe's
// failure alone and NotRun is set. The error is only for a bad target.
func Run(ctx context.Context, lesson string, set Set, opt Options) (*Report, error) {
	target, err := ParseTarget(opt.Target)
	if err != nil {
		return nil, err
	}
	opt.Target = target
	opt = opt.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, opt.Run)
	defer cancel()
	p := &prober{opt: opt, client: netcore.NewClient(netcore.Discard{})}
	defer p.client.CloseAll()
	rep := &Report{Lesson: lesson, Target: target, Lang: opt.Lang}
	rep.Results = set(ctx, p)
	if p.neverUp() && len(rep.Results) > 0 {
		rep.Results, rep.NotRun = rep.Results[:1], true
	}
	p.settle(rep.Results)
	return rep, nil
}

// prober runs probes against one target.
type prober struct {
	opt    Options
	client *netcore.Client

	// dry: connect nothing; the probes only say what they would send
	// (for Spec).
	dry bool

	mu   sync.Mutex
	up   bool  // a connect succeeded: the server was listening
	gone error // the first connect failed for good: nothing listened in time
}

func (p *prober) host() string { h, _, _ := net.SplitHostPort(p.opt.Target); return h }
func (p *prober) port() string { _, port, _ := net.SplitHostPort(p.opt.Target); return port }

// url is the http:// URL of target on the server.
func (p *prober) url(target string) string { return "http://" + p.opt.Target + target }

func (p *prober) neverUp() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.up && p.gone != nil
}

// connect dials the target. Until one connect has succeeded, it retries
// a refusal or a timeout for opt.Wait, with a growing pause, so that the
// check's first probe waits for a server that is coming up; once that
// failed, later connects fail at once with the same error.
func (p *prober) connect(ctx context.Context) (*netcore.Conn, error) {
	if p.dry {
		return nil, errDry
	}
	p.mu.Lock()
	up, gone := p.up, p.gone
	p.mu.Unlock()
	if gone != nil && !up {
		return nil, gone
	}
	start := time.Now()
	deadline := start.Add(max(p.opt.Wait, 0))
	pause := 25 * time.Millisecond
	for {
		dctx, cancel := context.WithTimeout(ctx, max(p.opt.Reply, 2*time.Second))
		c, err := p.client.Dial(dctx, p.opt.Target)
		cancel()
		if err == nil {
			p.mu.Lock()
			p.up = true
			p.mu.Unlock()
			return c, nil
		}
		if ended(ctx) {
			return nil, ctxErr(ctx)
		}
		retry := errors.Is(err, syscall.ECONNREFUSED) || netTimeout(err)
		left := time.Until(deadline)
		if up || !retry || left <= 0 {
			if !up {
				p.mu.Lock()
				p.gone = &waitedError{err: err, tried: time.Since(start), retried: p.opt.Wait > 0 && retry}
				err = p.gone
				p.mu.Unlock()
			}
			return nil, err
		}
		select {
		case <-ctx.Done():
		case <-time.After(min(pause, left)):
		}
		pause = min(pause*2, 500*time.Millisecond)
	}
}

// waitedError is a first connect that failed, after retrying for tried.
type waitedError struct {
	err     error
	tried   time.Duration
	retried bool
}

func (e *waitedError) Error() string { return e.err.Error() }
func (e *waitedError) Unwrap() error { return e.err }

// dialFailure turns a failed connect into a verdict in its own words.
// tried says how long connecting went on, like " for 5s".
func (p *prober) dialFailure(name string, err error, tried string) Result {
	res := Result{Name: name, Caret: -1}
	var w *waitedError
	if errors.As(err, &w) && w.retried && tried == "" {
		tried = " " + fmt.Sprintf(p.t("dial.tried"), roundDur(w.tried))
	}
	var dns *net.DNSError
	switch {
	case errors.Is(err, errRunOver):
		res.Kind = Overdue
		res.Reason = fmt.Sprintf(p.t("dial.runover"), roundDur(p.opt.Run))
	case errors.Is(err, errInterrupted):
		res.Kind = Overdue
		res.Reason = p.t("dial.interrupted")
	case errors.Is(err, syscall.ECONNREFUSED):
		res.Kind = NotListening
		res.Reason = fmt.Sprintf(p.t("dial.refused"), p.opt.Target, tried, p.port())
	case errors.As(err, &dns):
		res.Kind = Unreachable
		res.Reason = fmt.Sprintf(p.t("dial.nohost"), p.host(), dns.Err)
	case netTimeout(err):
		res.Kind = Unreachable
		res.Reason = fmt.Sprintf(p.t("dial.timeout"), p.opt.Target, tried)
	default:
		res.Kind = Unreachable
		res.Reason = fmt.Sprintf(p.t("dial.failed"), p.opt.Target, err)
	}
	return res
}

var (
	errRunOver     = errors.New("the check's time ran out")
	errInterrupted = errors.New("the check was interrupted")
	errDry         = errors.New("a dry run connects nothing")
)

// ended reports whether ctx is done or its deadline has passed (a dial's
// own timer, set from it, may fire a moment before ctx's).
func ended(ctx context.Context) bool {
	end, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && !time.Now().Before(end)
}

// ctxErr says why ctx ended, in the probe's own errors.
func ctxErr(ctx context.Context) error {
	if d, ok := ctx.Deadline(); errors.Is(ctx.Err(), context.DeadlineExceeded) || ctx.Err() == nil && ok && !time.Now().Before(d) {
		return errRunOver
	}
	return errInterrupted
}

func netTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// probeEx is one connection's conversation with the server.
type probeEx struct {
	command  string
	sent     []byte
	received []byte
	closed   bool  // the server closed (EOF)
	reset    bool  // the server reset the connection
	quiet    bool  // the probe stopped waiting: nothing more came in time
	dialErr  error // the connect failed
	readErr  error // any other read or write error
	start    time.Time
	done     time.Time // when the reply was complete (or the probe gave up)
	local    string
	waited   time.Duration      // how long the last read waited for a first byte
	resp     *httpwire.Response // for HTTP exchanges
	planned  []byte             // what the probe sends, for a dry run
	dry      bool
	sends    string // Result.sends
	bodyLen  int    // the body's bytes, counted past what was kept

	// Every byte is counted, kept or not: total in all, the last one when.
	total int
	last  time.Time
	// limit is how long the exchange may take, when more than
	// opt.Probe; deadline is when it ends (or the check's end, if
	// sooner), and overdue says bytes were still coming then.
	limit    time.Duration
	deadline time.Time
	runEnds  bool // the deadline is the check's, not the probe's
	overdue  bool
}

func (ex *probeEx) took() time.Duration { return ex.done.Sub(ex.start) }

func (ex *probeEx) ending() string {
	switch {
	case ex.reset:
		return "reset"
	case ex.closed:
		return "closed"
	case ex.quiet:
		return "quiet"
	case ex.overdue:
		return "overdue"
	}
	return "open"
}

// result starts a verdict for this exchange.
func (ex *probeEx) result(name string) Result {
	sent := ex.sent
	if ex.dry {
		sent = ex.planned
	}
	return Result{Name: name, Pass: true, Kind: Passed, Command: ex.command, Sent: sent, Received: ex.received,
		Total: max(ex.total, len(ex.received)), Ending: ex.ending(), Caret: -1, Took: ex.took(), ex: ex, sends: ex.sends}
}

func (r *Result) fail(kind Outcome, caret int, format string, args ...any) {
	r.Pass, r.Kind, r.Caret = false, kind, caret
	r.Reason = fmt.Sprintf(format, args...)
}

// dial connects, and aborts the connection's reads when ctx ends. It
// starts the exchange's clock: the probe's time, or the check's end when
// that comes first.
func (p *prober) dial(ctx context.Context, ex *probeEx) (*netcore.Conn, func()) {
	if ctx.Err() != nil {
		ex.start = time.Now()
		ex.dialErr, ex.done = ctxErr(ctx), ex.start
		return nil, func() {}
	}
	ex.dry = p.dry
	c, err := p.connect(ctx)
	// The clock starts once connected: waiting for a server to come up
	// is not the probe's time.
	ex.start = time.Now()
	ex.deadline = ex.start.Add(max(p.opt.Probe, ex.limit))
	if end, ok := ctx.Deadline(); ok && end.Before(ex.deadline) {
		ex.deadline, ex.runEnds = end, true
	}
	if err != nil {
		if ended(ctx) {
			err = ctxErr(ctx)
		}
		ex.dialErr, ex.done = err, time.Now()
		return nil, func() {}
	}
	ex.local = c.LocalAddr().String()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	return c, func() { stop(); p.client.Release(c) }
}

// send writes b and keeps it in the exchange.
func (ex *probeEx) send(c *netcore.Conn, b []byte) bool {
	ex.sent = append(ex.sent, b...)
	if _, err := c.Write(b); err != nil {
		ex.noteErr(err)
		ex.done = time.Now()
		return false
	}
	return true
}

func (ex *probeEx) noteErr(err error) {
	switch {
	case errors.Is(err, io.EOF):
		ex.closed = true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		ex.reset = true
	case netTimeout(err):
		ex.quiet = true
	default:
		ex.readErr = err
	}
}

// read reads the reply until done says it is complete, the server closes or
// resets, it stays quiet (first for the first byte, quiet between later
// ones), or the exchange's deadline comes. done is handed each read's new
// bytes. After done, it goes on for grace to see extra bytes or the
// server's close; a quiet grace is not a failure. It keeps at most
// KeepBytes of what it reads and counts the rest.
func (p *prober) read(c *netcore.Conn, ex *probeEx, first time.Duration, done func([]byte) bool, grace time.Duration) {
	buf := make([]byte, 32<<10)
	ex.waited = first
	var complete bool
	from, got := len(ex.received), 0
	for {
		wait := p.opt.Quiet
		switch {
		case complete:
			wait = grace
		case got == 0:
			wait = first
		}
		if wait <= 0 {
			break
		}
		left := time.Until(ex.deadline)
		if left <= 0 {
			ex.overdue = !complete
			break
		}
		c.SetIdle(min(wait, left))
		n, err := c.Read(buf)
		if n > 0 {
			keep := min(n, KeepBytes-(len(ex.received)-from))
			ex.received = append(ex.received, buf[:keep]...)
			ex.total += n
			got += n
			ex.last = time.Now()
		}
		if !complete && n > 0 && done != nil && done(buf[:n]) {
			complete = true
			ex.done = time.Now()
		}
		if err != nil {
			if !time.Now().Before(ex.deadline) && !complete && (netTimeout(err) || errors.Is(err, net.ErrClosed)) {
				// The deadline, not the server, ended the read.
				ex.overdue = true
				break
			}
			if !(complete && netTimeout(err)) {
				ex.noteErr(err)
			}
			break
		}
	}
	if !complete {
		ex.done = time.Now()
	}
}

// late fails res when the exchange was still going at its deadline, and
// says what was seen by then.
func (p *prober) late(res *Result, ex *probeEx) bool {
	if !ex.overdue {
		return false
	}
	whose := fmt.Sprintf(p.t("late.probe"), roundDur(max(p.opt.Probe, ex.limit)))
	if ex.runEnds {
		whose = fmt.Sprintf(p.t("late.run"), roundDur(p.opt.Run))
	}
	// The probe stopped at its limit; the clock may read a hair later.
	took := ex.took()
	if !ex.runEnds {
		took = min(took, max(p.opt.Probe, ex.limit))
	}
	if ex.total == 0 {
		res.fail(TimedOut, -1, p.t("late.nothing"), roundDur(took), whose)
		return true
	}
	res.fail(Overdue, len(ex.received), p.t("late.sending"),
		roundDur(took), ex.total, roundDur(ex.done.Sub(ex.last)), whose)
	return true
}

// silent returns the verdict for an exchange that got no reply bytes, or
// nil when some came. what names what was sent ("the request").
func (p *prober) silent(res *Result, ex *probeEx, from int, what string) bool {
	if ex.dialErr != nil {
		d := p.dialFailure(res.Name, ex.dialErr, "")
		res.fail(d.Kind, -1, "%s", d.Reason)
		return true
	}
	if p.late(res, ex) {
		return true
	}
	if len(ex.received) > from {
		return false
	}
	switch {
	case ex.reset:
		res.fail(WasReset, -1, p.t("silent.reset"), what)
	case ex.closed:
		res.fail(ClosedEarly, -1, p.t("silent.closed"), what)
	case ex.quiet:
		res.fail(TimedOut, -1, p.t("silent.quiet"), what, roundDur(ex.waited))
	case ex.readErr != nil:
		res.fail(Unreachable, -1, p.t("conn.failed"), ex.readErr)
	default:
		res.fail(TimedOut, -1, p.t("silent.nothing"), what)
	}
	return true
}

func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// ncCommand is a shell command that sends exactly b with OpenBSD nc and
// shuts down the write side after it (-N).
func (p *prober) ncCommand(b []byte) string {
	return "printf " + shellQuote(printfFormat(b)) + " | nc -w " + waitSecs(p.opt.Reply) + " -N " + p.host() + " " + p.port()
}

// odCommand sends b like ncCommand and shows every byte of the reply
// with od -c, where a bare \n stands out (curl -v accepts it silently).
func (p *prober) odCommand(b []byte) string { return p.ncCommand(b) + " | od -c" }

// waitSecs is d in whole seconds, at least 1, for a command's timeout.
func waitSecs(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second)))
}

// printfFormat writes b as a printf format that prints exactly b.
func printfFormat(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c == '%':
			sb.WriteString("%%")
		case c >= 0x20 && c < 0x7f || c >= 0x80:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\%03o`, c)
		}
	}
	return sb.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
