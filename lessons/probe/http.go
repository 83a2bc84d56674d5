package probe

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The probes of the HTTP lessons. Each sends a request the way curl or a
// browser would, reads the response by its own framing, and judges it with
// httpwire.AnalyzeResponse, the strict response analyzer.

// httpReq is one request a probe sends.
type httpReq struct {
	method, target string
	headers        [][2]string // besides Host
	body           []byte
	raw            []byte // sent as is instead, when set
}

var (
	curlHeaders    = [][2]string{{"User-Agent", "tubes-check"}, {"Accept", "*/*"}}
	browserHeaders = [][2]string{
		{"Connection", "keep-alive"},
		{"Upgrade-Insecure-Requests", "1"},
		{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"},
		{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
		{"Sec-Fetch-Site", "none"},
		{"Sec-Fetch-Mode", "navigate"},
		{"Sec-Fetch-User", "?1"},
		{"Sec-Fetch-Dest", "document"},
		{"Accept-Encoding", "gzip, deflate, br"},
		{"Accept-Language", "en-US,en;q=0.9"},
	}
)

func getReq(target string) httpReq {
	return httpReq{method: "GET", target: target, headers: curlHeaders}
}

func bodyReq(method, target, contentType string, body []byte) httpReq {
	return httpReq{method: method, target: target, body: body,
		headers: append(append([][2]string{}, curlHeaders...), [2]string{"Content-Type", contentType})}
}

// bytes is the request as sent to p's target.
func (r httpReq) bytes(p *prober) []byte {
	if r.raw != nil {
		return r.raw
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.method, r.target, p.opt.Target)
	for _, h := range r.headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if r.body != nil || r.method == "POST" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.body))
	}
	b.WriteString("\r\n")
	b.Write(r.body)
	return []byte(b.String())
}

// curl is the curl command that makes about the same request.
func (r httpReq) curl(p *prober, urls ...string) string {
	if r.raw != nil {
		return p.ncCommand(r.raw)
	}
	parts := []string{"curl", "-v", "--max-time", waitSecs(p.opt.Reply + p.opt.Quiet)}
	if r.method != "GET" && !(r.method == "POST" && r.body != nil) {
		parts = append(parts, "-X", r.method)
	}
	for _, h := range r.headers {
		if h[0] == "User-Agent" && h[1] == "tubes-check" || h[0] == "Accept" && h[1] == "*/*" {
			continue // curl sends its own
		}
		parts = append(parts, "-H", shellQuote(h[0]+": "+h[1]))
	}
	if r.body != nil {
		parts = append(parts, "--data-binary", shellQuote(string(r.body)))
	}
	if len(urls) == 0 {
		urls = []string{p.url(r.target)}
	}
	for _, u := range urls {
		parts = append(parts, shellQuote(u))
	}
	return strings.Join(parts, " ")
}

// httpExchange sends req on a new connection and reads the response.
// first is how long to wait for its first byte (0: the default).
func (p *prober) httpExchange(ctx context.Context, req httpReq, first time.Duration) *probeEx {
	ex := &probeEx{command: req.curl(p), planned: req.bytes(p)}
	c, release := p.dial(ctx, ex)
	defer release()
	if c == nil {
		return ex
	}
	if first <= 0 {
		first = p.opt.Reply
	}
	var f *httpFramer
	if ex.send(c, req.bytes(p)) {
		f = p.readResponse(c, ex, first)
	}
	ex.resp = ex.analyze(0, f)
	return ex
}

// closeWait is how long after a response a server that closes must have
// closed: one that means to close does so at once, so this is plenty on
// any machine, and much shorter than any idle timeout.
const closeWait = time.Second

// readResponse reads one response, by its framing, into ex; then it waits
// a moment longer for stray bytes or the server's close. The framer it
// returns followed the whole response, kept or not.
func (p *prober) readResponse(c *netcore.Conn, ex *probeEx, first time.Duration) *httpFramer {
	f := newHTTPFramer()
	p.read(c, ex, first, f.feed, min(p.opt.Quiet, 200*time.Millisecond))
	return f
}

// analyze judges the response that starts at from in ex.received, which
// f followed (nil: nothing was read), and counts its body.
func (ex *probeEx) analyze(from int, f *httpFramer) *httpwire.Response {
	total := len(ex.received) - from
	if f != nil {
		total = f.n
	}
	r := analyze(ex.received[from:], total, f, ex.closed || ex.reset)
	ex.bodyLen = len(r.Body)
	if f != nil && total > len(ex.received)-from {
		ex.bodyLen = f.body
		if f.mode == modeLength {
			ex.bodyLen = min(f.body, f.length)
		}
	}
	return r
}

// judge gives the verdict on the response in ex.received[from:], resp,
// for the rules given: no reply, a reset, or the first broken rule. It
// reports whether the probe failed.
func (p *prober) judge(res *Result, ex *probeEx, from int, resp *httpwire.Response, what string, rules ...httpwire.ResponseRule) bool {
	if p.silent(res, ex, from, what) {
		return true
	}
	if ex.reset && !resp.Complete {
		res.fail(WasReset, len(ex.received), p.t("http.reset"), len(ex.received)-from)
		return true
	}
	if f := resp.First(rules...); f != nil {
		p.finding(res, f, from)
		return true
	}
	return false
}

// finding turns an analyzer finding into a failure.
func (p *prober) finding(res *Result, f *httpwire.ResponseFinding, from int) {
	caret := -1
	if f.Offset >= 0 && from+f.Offset <= len(res.Received) {
		caret = from + f.Offset // past the kept bytes, the reason says where
	}
	if f.Hang {
		res.fail(Hung, caret, p.t("http.waited"), p.say(f.Phrase), roundDur(p.opt.Quiet))
		return
	}
	res.fail(Malformed, caret, "%s", p.say(f.Phrase))
}

// status describes a response's status line for a reason, escaped.
func statusOf(r *httpwire.Response) string {
	s := fmt.Sprintf("%d", r.Status)
	if r.StatusText != "" {
		s += " " + netcore.Escape([]byte(r.StatusText))
	}
	return s
}

// statusSaid names a reply's status for a reason, as "status 200 OK";
// a reply without a valid status line has no status to name, so it says
// that, and how raw begins, escaped.
func (p *prober) statusSaid(r *httpwire.Response, raw []byte) string {
	if r.Status != 0 {
		return fmt.Sprintf(p.t("http.statusis"), statusOf(r))
	}
	const most = 24
	start := netcore.Quote(string(raw[:min(len(raw), most)]))
	if len(raw) > most {
		start += "…"
	}
	return fmt.Sprintf(p.t("http.nostatus"), start)
}

// wantStatus fails res unless the response has status want.
func (p *prober) wantStatus(res *Result, from int, r *httpwire.Response, want int, asked string) bool {
	if r.Status == want {
		return true
	}
	res.fail(Wrong, from+len("HTTP/1.1 "), p.t("http.status"), statusOf(r), asked, want, statusName(want))
	return false
}

func statusName(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 501:
		return "Not Implemented"
	}
	return ""
}

// probeHTTPResponse: the six rules of a hand-written response, judged on
// one GET.
func probeHTTPResponse(ctx context.Context, p *prober) []Result {
	ex := p.httpExchange(ctx, getReq("/"), 0)
	r := ex.resp
	type rule struct {
		name  string
		rules []httpwire.ResponseRule
	}
	rules := []rule{
		{"status-line", []httpwire.ResponseRule{httpwire.RuleStatusLine, httpwire.RuleHeaderLine}},
		{"crlf", []httpwire.ResponseRule{httpwire.RuleLineEnd}},
		{"blank-line", []httpwire.ResponseRule{httpwire.RuleBlankLine}},
		{"length-equals", []httpwire.ResponseRule{httpwire.RuleLength}},
		{"close-without-length", []httpwire.ResponseRule{httpwire.RuleBodyEnd}},
		{"content-type", nil},
	}
	var out []Result
	var first Result
	for i, ru := range rules {
		res := ex.result(ru.name)
		switch {
		case i == 0:
			if p.silent(&res, ex, 0, "GET /") {
				first = res
				out = append(out, res)
				continue
			}
			if ex.reset && !r.Complete {
				res.fail(WasReset, len(ex.received), p.t("http.reset"), len(ex.received))
				first = res
				out = append(out, res)
				continue
			}
		case !first.Pass && first.Kind != Malformed:
			res.notChecked(p.t("skip.noresponse"))
			out = append(out, res)
			continue
		}
		switch {
		case ru.rules == nil:
			// The analyzer's Content-Type finding is a SHOULD: typeWarning
			// judges it, as a WARN at most.
			if r.HeaderEnd < 0 {
				res.notChecked(p.t("skip.noheaderend"))
			} else if !p.typeWarning(&res, r) {
				if v, ok := r.Get("Content-Type"); ok {
					res.Note = quoteCT(v)
				}
			}
		case r.HeaderEnd < 0 && (i == 3 || i == 4):
			res.notChecked(p.t("skip.noheaderend"))
		default:
			if f := r.First(ru.rules...); f != nil {
				p.finding(&res, f, 0)
				if f.Rule == httpwire.RuleLineEnd {
					res.Command = p.odCommand(ex.sent)
				}
				break
			}
			switch i {
			case 0:
				res.Note = fmt.Sprintf("%s %s", r.Version, statusOf(r))
			case 3:
				if r.Length < 0 {
					res.Note = p.t("http.nolength")
				} else {
					res.Note = fmt.Sprintf(p.t("http.length"), r.Length, ex.bodyLen)
				}
			case 4:
				switch {
				case r.Length >= 0:
					res.Note = p.t("http.haslength")
				case r.Chunked:
					res.Note = p.t("http.chunked")
				default:
					res.Note = p.t("http.closedend")
				}
			}
		}
		if i == 0 {
			first = res
		}
		out = append(out, res)
	}
	return out
}

// probeContentLength: a well-formed response whose Content-Length counts
// the body's bytes.
func probeContentLength(ctx context.Context, p *prober) []Result {
	ex := p.httpExchange(ctx, getReq("/"), 0)
	r := ex.resp
	wellFormed := ex.result("well-formed")
	if !p.judge(&wellFormed, ex, 0, r, "GET /", httpwire.RuleStatusLine, httpwire.RuleHeaderLine, httpwire.RuleLineEnd, httpwire.RuleBlankLine) {
		wellFormed.Note = fmt.Sprintf("%s %s", r.Version, statusOf(r))
	}
	only := p.t("length.only")
	res := ex.result("length-counts")
	switch {
	case !wellFormed.Pass && wellFormed.Kind != Malformed:
		res.notChecked(p.t("skip.noresponse"))
	case r.HeaderEnd < 0:
		res.notChecked(p.t("skip.noheaderend"))
	case p.judge(&res, ex, 0, r, "GET /", httpwire.RuleLength, httpwire.RuleBodyEnd):
		res.Note = only
	case r.Length < 0:
		how := p.t("length.howclosed")
		if r.Chunked {
			how = p.t("length.howchunked")
		}
		res.fail(Wrong, -1, p.t("length.missing"), how)
	default:
		body := r.Body
		res.Note = fmt.Sprintf(p.t("http.length"), r.Length, ex.bodyLen)
		if len(body) == ex.bodyLen {
			res.Note += " " + fmt.Sprintf(p.t("http.chars"), len([]rune(string(body))))
		}
		if wide := httpwire.MultiByte(body, 3); len(wide) > 0 {
			res.Note += p.say(netcore.Phrase{Key: "http.wide", Args: []any{wide}})
		} else {
			res.Note += p.t("http.ascii")
		}
		res.Note += ". " + only
		p.typeWarning(&res, r)
	}
	return []Result{wellFormed, res}
}

// answers is a probe that sends req and wants status want, with a
// well-formed response; more checks the response further.
func (p *prober) answers(ctx context.Context, name string, req httpReq, want int, more func(*Result, *httpwire.Response)) Result {
	ex := p.httpExchange(ctx, req, 0)
	res := ex.result(name)
	asked := req.method + " " + req.target
	if req.raw != nil {
		asked = p.t("what.request")
	}
	if p.judge(&res, ex, 0, ex.resp, asked, httpwire.FramingRules...) {
		return res
	}
	if !p.wantStatus(&res, 0, ex.resp, want, asked) {
		return res
	}
	res.Note = fmt.Sprintf(p.t("http.answered"), ex.resp.Version, statusOf(ex.resp), roundDur(ex.took()))
	if more != nil {
		more(&res, ex.resp)
	}
	return res
}

// badRequestLine is not METHOD TARGET VERSION: one word, no spaces.
const badRequestLine = "HELLO"

// probeHTTPRequest: GETs from curl and a browser, a POST with a body, and
// a broken request line.
func probeHTTPRequest(ctx context.Context, p *prober) []Result {
	browser := httpReq{method: "GET", target: "/", headers: browserHeaders}
	post := bodyReq("POST", "/form", "application/x-www-form-urlencoded", []byte("name=tubes&lesson=7"))
	bad := httpReq{raw: []byte(badRequestLine + "\r\nHost: " + p.opt.Target + "\r\n\r\n")}
	out := []Result{
		p.answers(ctx, "get-root", getReq("/"), 200, nil),
		p.answers(ctx, "browser-get", browser, 200, nil),
		p.answers(ctx, "post-body", post, 200, nil),
	}
	res := p.answers(ctx, "bad-line-400", bad, 400, nil)
	switch {
	case res.Kind == Wrong:
		res.Reason += fmt.Sprintf(p.t("badline.wrong"), badRequestLine)
	case res.Kind == ClosedEarly:
		res.Reason += fmt.Sprintf(p.t("badline.closed"), badRequestLine)
	}
	out = append(out, res, p.noHost400(ctx, out[0]), p.coding501(ctx, out[0]))
	return append(out, p.piecesProbes(ctx, &post)...)
}

// echoBody is what the routing probe posts to /echo.
var echoBody = []byte("ping from tubes 🏓")

// probeRouting: the router's routes and its two error statuses.
func probeRouting(ctx context.Context, p *prober) []Result {
	echo := bodyReq("POST", "/echo", "text/plain; charset=utf-8", echoBody)
	root := p.answers(ctx, "get-root", getReq("/"), 200, nil)
	return append([]Result{
		root,
		p.answers(ctx, "get-time", getReq("/time"), 200, nil),
		p.answers(ctx, "echo", bodyReq("POST", "/echo", "text/plain; charset=utf-8", echoBody), 200,
			func(res *Result, r *httpwire.Response) {
				if bytes.Equal(r.Body, echoBody) {
					res.Note += fmt.Sprintf(p.t("echo.same"), len(echoBody))
					return
				}
				i := 0
				for i < len(r.Body) && i < len(echoBody) && r.Body[i] == echoBody[i] {
					i++
				}
				res.fail(Wrong, r.HeaderEnd+i, p.t("echo.differs"),
					netcore.Escape(echoBody), len(echoBody), netcore.Escape(r.Body), len(r.Body))
			}),
		p.answers(ctx, "not-found", getReq("/nope"), 404, func(res *Result, r *httpwire.Response) {
			if len(r.Body) == 0 {
				res.fail(Wrong, r.HeaderEnd, "%s", p.t("notfound.empty"))
				return
			}
			res.Note += " " + fmt.Sprintf(p.t("notfound.body"), len(r.Body))
		}),
		p.answers(ctx, "method-405", httpReq{method: "DELETE", target: "/time", headers: curlHeaders}, 405, func(res *Result, r *httpwire.Response) {
			allow, ok := r.Get("Allow")
			if !ok {
				res.fail(Wrong, r.HeaderEnd-2, "%s", p.t("method.noallow"))
				return
			}
			for _, m := range strings.Split(allow, ",") {
				if strings.TrimSpace(m) == "GET" {
					res.Note += "; Allow: " + netcore.Escape([]byte(allow))
					return
				}
			}
			res.fail(Wrong, -1, p.t("method.noget"), netcore.Escape([]byte(allow)))
		}),
		p.headLikeGet(ctx, root),
	}, p.piecesProbes(ctx, &echo)...)
}

// probeConcurrency: five requests at once take about as long as one.
func probeConcurrency(ctx context.Context, p *prober) []Result {
	out := []Result{p.heldOpen(ctx), fiveAtOnce(ctx, p)}
	return append(out, p.piecesProbes(ctx, nil)...)
}

func fiveAtOnce(ctx context.Context, p *prober) Result {
	const name = "five-at-once"
	// One request alone, twice: the faster is the time of one, so that a
	// slow first connection does not raise the limit. A handler may be
	// slow on purpose here, so the first byte may take a while.
	var one *probeEx
	var t1 time.Duration
	for i := 0; i < 2; i++ {
		ex := p.httpExchange(ctx, getReq("/"), p.opt.Reply+5*time.Second)
		res := ex.result(name)
		if p.judge(&res, ex, 0, ex.resp, "GET /", httpwire.FramingRules...) {
			res.Reason = fmt.Sprintf(p.t("conc.alone"), res.Reason)
			return res
		}
		if one == nil || ex.took() < t1 {
			one, t1 = ex, ex.took()
		}
	}
	res := one.result(name)
	res.patient = true
	const n = 5
	exs := make([]*probeEx, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range exs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A server that serves one at a time makes the last wait for
			// the other four: give each a first byte that long.
			exs[i] = p.httpExchange(ctx, getReq("/"), p.opt.Reply+time.Duration(n)*t1)
		}()
	}
	wg.Wait()
	var total time.Duration
	var times []time.Duration
	for i, ex := range exs {
		took := ex.done.Sub(start)
		total = max(total, took)
		times = append(times, took)
		r := ex.result(name)
		if p.judge(&r, ex, 0, ex.resp, "GET /", httpwire.FramingRules...) {
			r.Reason = fmt.Sprintf(p.t("conc.oneof"), i+1, n, r.Reason)
			return r
		}
	}
	slices.Sort(times)
	var each []string
	for _, d := range times {
		each = append(each, roundDur(d).String())
	}
	limit := time.Duration(2.5*float64(t1)) + 200*time.Millisecond
	numbers := fmt.Sprintf(p.t("conc.numbers"),
		roundDur(t1), n, roundDur(total), strings.Join(each, ", "), roundDur(t1), roundDur(limit))
	res.Command = fmt.Sprintf("for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%%{time_total}s\\n' %s & done; wait", shellQuote(p.url("/")))
	if total >= limit {
		res.fail(Wrong, -1, p.t("conc.serial"), numbers)
		return res
	}
	res.Note = numbers
	if t1 < 50*time.Millisecond {
		res.Note += ". " + p.t("conc.fast")
	}
	return res
}

// probeKeepAlive: two requests on one connection, each answered with its
// length.
func probeKeepAlive(ctx context.Context, p *prober) []Result {
	out := keepAliveOnOne(ctx, p)
	out = append(out, p.http10Closes(ctx, out[0]), p.idleCloses(ctx, out[0]), p.noHost400(ctx, out[0]))
	return append(out, p.piecesProbes(ctx, nil)...)
}

// keepAliveOnOne: two requests on one connection, the second saying
// Connection: close.
func keepAliveOnOne(ctx context.Context, p *prober) []Result {
	first := getReq("/")
	second := getReq("/")
	second.headers = append(append([][2]string{}, curlHeaders...), [2]string{"Connection", "close"})
	ex := &probeEx{command: first.curl(p, p.url("/"), p.url("/")), planned: append(first.bytes(p), second.bytes(p)...)}
	res1 := Result{Name: "ka-first"}
	res2 := Result{Name: "ka-second"}
	res3 := Result{Name: "ka-close"}

	c, release := p.dial(ctx, ex)
	defer release()
	var f *httpFramer
	if c != nil && ex.send(c, first.bytes(p)) {
		f = p.readResponse(c, ex, p.opt.Reply)
	}
	r1 := ex.analyze(0, f)
	res1 = ex.result(res1.Name)
	failed := p.judge(&res1, ex, 0, r1, p.t("what.firstget"), httpwire.FramingRules...)
	switch {
	case failed:
	case r1.Length < 0 && !r1.Chunked:
		res1.fail(Wrong, -1, "%s", p.t("ka.nolength"))
	case r1.Version == "HTTP/1.0" && !saysKeepAlive(r1):
		res1.fail(Wrong, 0, "%s", p.t("ka.http10"))
	case ex.closed || ex.reset:
		res1.fail(Wrong, len(ex.received), p.t("ka.closedfirst"), p.saysClose(r1))
	default:
		res1.Note = fmt.Sprintf(p.t("ka.firstok"), r1.Version, statusOf(r1), r1.Length)
		if r1.Chunked {
			res1.Note = fmt.Sprintf(p.t("ka.firstchunked"), r1.Version, statusOf(r1))
		}
	}
	if !res1.Pass {
		res2 = ex.result(res2.Name)
		res2.notChecked(p.t("skip.firstfailed"))
		res3 = ex.result(res3.Name)
		res3.notChecked(p.t("skip.firstfailed"))
		return []Result{res1, res2, res3}
	}

	base := len(ex.received)
	ex.done, ex.start = time.Time{}, time.Now()
	f = nil
	if ex.send(c, second.bytes(p)) {
		f = p.readResponse(c, ex, p.opt.Reply)
	}
	r2 := ex.analyze(base, f)
	res2 = ex.result(res2.Name)
	if p.judge(&res2, ex, base, r2, p.t("what.second"), httpwire.FramingRules...) {
		res3 = ex.result(res3.Name)
		res3.notChecked(p.t("skip.secondfailed"))
		return []Result{res1, res2, res3}
	}
	res2.Note = fmt.Sprintf("%s %s", r2.Version, statusOf(r2))
	if r2.Length >= 0 {
		res2.Note += ", " + fmt.Sprintf(p.t("ka.length"), r2.Length)
	}
	res2.Note += ", " + p.t("ka.same")
	answered := ex.done // the second response was complete then
	// The second request said Connection: close: the server must close
	// once it has answered (RFC 9112 §9.6), at once. Waiting longer would
	// take a server's idle timeout for the close.
	if !ex.closed && !ex.reset {
		p.read(c, ex, max(closeWait-time.Since(answered), 10*time.Millisecond), nil, 0)
	}
	res3 = ex.result(res3.Name)
	res3.patient = true
	if ex.closed || ex.reset {
		res3.Note = p.t("ka.closed")
	} else {
		res3.fail(Wrong, len(ex.received), p.t("ka.notclosed"), roundDur(closeWait))
	}
	return []Result{res1, res2, res3}
}

func saysKeepAlive(r *httpwire.Response) bool {
	v, ok := r.Get("Connection")
	return ok && strings.Contains(strings.ToLower(v), "keep-alive")
}

func (p *prober) saysClose(r *httpwire.Response) string {
	if v, ok := r.Get("Connection"); ok && strings.Contains(strings.ToLower(v), "close") {
		return "; " + p.t("ka.saysclose")
	}
	if r.Version == "HTTP/1.0" {
		return "; " + p.t("ka.saysold")
	}
	return ""
}
