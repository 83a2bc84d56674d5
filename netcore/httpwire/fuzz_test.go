package httpwire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"net/textproto"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wireSeeds are the inputs both fuzzers start from (with testdata/fuzz).
func wireSeeds() []string {
	var seeds []string
	for _, tc := range wireAcceptedCases {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range wireRejectedCases {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range chunkedAccepted {
		seeds = append(seeds, chunkedHead+tc.body)
	}
	for _, tc := range chunkedRejected {
		if len(tc.body) < 1024 {
			seeds = append(seeds, chunkedHead+tc.body)
		}
	}
	return append(seeds,
		wireCurlGET+wirePOSTForm,
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab",
		"GET / HTTP/1.1\r\nHost: a\r\nPragma: no-cache\r\n\r\n",
		"GET /%41?x=%zz HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET HTTPS://[::ffff:1.2.3.4]:/x HTTP/1.1\r\nHost: a\r\n\r\n",
	)
}

// FuzzParseRequest: ParseRequest never panics, and what it accepts is laid
// out exactly as its Parts say.
func FuzzParseRequest(f *testing.F) {
	for _, s := range wireSeeds() {
		f.Add([]byte(s))
	}
	for _, s := range wireFragments {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range wireVariants(b) {
			checkParseRequest(t, in)
		}
	})
}

// checkParseRequest runs ParseRequest on b, with the default limits and
// with small ones, and checks both results.
func checkParseRequest(t *testing.T, b []byte) {
	t.Helper()
	req, n, err := ParseRequest(b, Limits{})
	checkParseResult(t, b, req, n, err, Limits{}.orDefaults())

	// Small limits reach the 431 and 413 paths. A request they let
	// through must come out the same under the defaults.
	small := Limits{MaxHeaderBytes: 64, MaxBodyBytes: 8}
	sreq, sn, serr := ParseRequest(b, small)
	checkParseResult(t, b, sreq, sn, serr, small)
	if serr == nil && (err != nil || sn != n || !reflect.DeepEqual(sreq, req)) {
		t.Fatalf("%q: accepted under small limits (%d bytes) but under the defaults: %v, %d", b, sn, err, n)
	}
}

// checkParseResult checks one ParseRequest result against its input.
func checkParseResult(t *testing.T, b []byte, req *Request, n int, err error, lim Limits) {
	t.Helper()
	var pe *ParseError
	switch {
	case err == nil:
		if req == nil {
			t.Fatalf("%q: no error and no request", b)
		}
	case err == ErrIncomplete:
		if req != nil || n != 0 {
			t.Fatalf("%q: ErrIncomplete with %v, %d", b, req, n)
		}
		// Incomplete means the header has not ended within the limit yet,
		// or the body has not all come.
		if end := bytes.Index(b, []byte("\r\n\r\n")); len(b) >= lim.MaxHeaderBytes && (end < 0 || end+4 > lim.MaxHeaderBytes) {
			t.Fatalf("%q: ErrIncomplete, but the header is already over %d bytes", b, lim.MaxHeaderBytes)
		}
		return
	case errors.As(err, &pe):
		if req != nil || n != 0 {
			t.Fatalf("%q: refused with %v, %d", b, req, n)
		}
		switch pe.Status {
		case 400, 413, 431, 501, 505:
		default:
			t.Fatalf("%q: status %d", b, pe.Status)
		}
		checkSafeReason(t, english(pe))
		return
	default:
		t.Fatalf("%q: unexpected error %v", b, err)
	}

	checkParsedShape(t, b, req, n)
	if req.Version != "HTTP/1.0" && req.Version != "HTTP/1.1" {
		t.Fatalf("%q: accepted version %q", b, req.Version)
	}
	if blank := req.Parts[len(req.Headers)+1]; blank.End > lim.MaxHeaderBytes || len(req.Body) > lim.MaxBodyBytes {
		t.Fatalf("%q: over the limits %+v: header %d bytes, body %d", b, lim, blank.End, len(req.Body))
	}

	// Every proper prefix is a request still arriving. Long inputs are
	// checked around each part boundary and at a stride.
	prefixes := map[int]bool{}
	if n <= 256 {
		for k := range n {
			prefixes[k] = true
		}
	} else {
		for _, p := range req.Parts {
			prefixes[p.Start], prefixes[p.Start+1], prefixes[p.End-1] = true, true, true
		}
		for k := 0; k < n; k += n/32 + 1 {
			prefixes[k] = true
		}
	}
	for k := range prefixes {
		if k < n {
			if r, m, err := ParseRequest(b[:k], lim); err != ErrIncomplete {
				t.Fatalf("%q: its prefix of %d bytes gives %v, %d, %v; want ErrIncomplete", b, k, r, m, err)
			}
		}
	}

	// Bytes after the request do not change it: they are the next one's.
	more := append(b[:n:n], "GET / HTTP/1.1\r\n"...)
	if r, m, err := ParseRequest(more, lim); err != nil || m != n || !reflect.DeepEqual(r, req) {
		t.Fatalf("%q: with bytes after it: %v, %d, %v", b, r, m, err)
	}
}

// FuzzParseRequestVsNetHTTP: ParseRequest and net/http's http.ReadRequest
// agree on the same bytes: both refuse, or both accept and read the same
// method, target, version, headers, Close and body. Where they disagree on
// purpose, the input matches one of intendedDifferences below.
func FuzzParseRequestVsNetHTTP(f *testing.F) {
	for _, s := range wireSeeds() {
		// The 8 KiB seeds only reach the limits, which net/http does not
		// have; mutants that big take the fuzzer long to minimise.
		if len(s) <= 2048 {
			f.Add([]byte(s))
		}
	}
	for _, s := range wireFragments {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range wireVariants(b) {
			if _, diff := diffNetHTTP(in); diff != "" {
				t.Fatalf("%q: %s", in, diff)
			}
		}
	})
}

// wireFragments are seeds for the places wireVariants puts a fragment.
var wireFragments = []string{
	"/a%zz", "/a?b=%2", "/caf\xc3\xa9", "*", "http://[::1]:80/x", "HTTP://a:/?q", "https://u@h/", "example.com:443",
	"X-A: b", "Content-Length: 0", "Connection: keep-alive, close", "Pragma: no-cache", "A : b", "X: a\x7f",
	"localhost:3000", "[::ffff:1.2.3.4]", "h:8o",
	"GET / HTTP/1.0", "OPTIONS * HTTP/1.1", "PRI * HTTP/2.0", "get /x HTTP/1.1",
}

// wireVariants is b itself, then b put into a request where the grammar is
// finest: as the request line, the target, a header line (in HTTP/1.1, and
// in HTTP/1.0 with a body after it) and the Host value. Small mutations of
// a fragment reach far more there than in a whole request, where most of
// them break something else first. An input with line breaks is also
// tried with every bare LF made CRLF, so it is compared, not just refused
// for its line endings.
func wireVariants(b []byte) [][]byte {
	vs := [][]byte{b}
	if bytes.ContainsAny(b, "\r\n") {
		crlf := bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		if !bytes.Equal(crlf, b) {
			vs = append(vs, crlf)
		}
		return vs
	}
	s := string(b)
	vs = append(vs,
		[]byte(s+"\r\nHost: x\r\n\r\n"),
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n"+s+"\r\n\r\n"),
		[]byte("POST / HTTP/1.0\r\n"+s+"\r\n\r\nbody"),
		[]byte("GET / HTTP/1.1\r\nHost: "+s+"\r\n\r\n"),
	)
	if !strings.Contains(s, " ") {
		vs = append(vs,
			[]byte("GET "+s+" HTTP/1.1\r\nHost: x\r\n\r\n"),
			[]byte("OPTIONS "+s+" HTTP/1.0\r\n\r\n"),
		)
	}
	return vs
}

// The table cases agree with net/http too, or differ on purpose; the log
// says which difference each one shows.
func TestParseRequestRejectionsVsNetHTTP(t *testing.T) {
	for _, tc := range wireRejectedCases {
		intended, diff := diffNetHTTP([]byte(tc.in))
		if diff != "" {
			t.Errorf("%s: %s", tc.name, diff)
		}
		if intended != "" {
			t.Logf("%-34s net/http accepts: %s", tc.name, intended)
		}
	}
}

// compareWithNetHTTP is diffNetHTTP for requests that must not even differ
// on purpose.
func compareWithNetHTTP(b []byte) string {
	intended, diff := diffNetHTTP(b)
	if intended != "" {
		return "net/http accepts it: " + intended
	}
	return diff
}

// diffNetHTTP parses b both ways. It returns diff == "" when they agree;
// when they disagree on purpose, intended names the difference.
func diffNetHTTP(b []byte) (intended, diff string) {
	// ParseRequest gets the whole input: if that is still incomplete, the
	// request is cut short, which net/http refuses too.
	ours, _, ourErr := ParseRequest(b, Limits{})
	theirs, theirBody, theirErr := netHTTPRead(b)

	switch {
	case ourErr != nil && theirErr != nil:
		return "", ""
	case ourErr == nil && theirErr != nil:
		return "", fmt.Sprintf("we accept, net/http refuses: %v", theirErr)
	case ourErr != nil:
		var pe *ParseError
		if errors.As(ourErr, &pe) {
			raw := readRaw(b)
			for _, d := range intendedDifferences {
				if slices.Contains(d.statuses, pe.Status) && d.hit(raw) {
					return d.name, ""
				}
			}
		}
		return "", fmt.Sprintf("we refuse (%v), net/http accepts", ourErr)
	}

	var diffs []string
	differ := func(what string, ours, theirs any) {
		if !reflect.DeepEqual(ours, theirs) {
			diffs = append(diffs, fmt.Sprintf("%s: ours %q, net/http's %q", what, ours, theirs))
		}
	}
	differ("method", ours.Method, theirs.Method)
	differ("target", ours.Target, theirs.RequestURI)
	differ("version", ours.Version, theirs.Proto)
	differ("Close", ours.Close, theirs.Close)
	if !bytes.Equal(ours.Body, theirBody) {
		differ("body", ours.Body, theirBody)
	}
	want := netHTTPHeaders(ours)
	if !maps.EqualFunc(want, theirs.Header, slices.Equal) {
		differ("headers", want, map[string][]string(theirs.Header))
	}
	differ("host", netHTTPHost(ours), theirs.Host)
	if ours.Chunked || len(theirs.Trailer) > 0 {
		theirTrailer := map[string][]string(theirs.Trailer)
		if theirTrailer == nil {
			theirTrailer = map[string][]string{}
		}
		if got := canonical(ours.Trailers); !maps.EqualFunc(got, theirTrailer, slices.Equal) {
			differ("trailers", got, theirTrailer)
		}
	}
	return "", strings.Join(diffs, "; ")
}

// netHTTPRead is net/http reading b: a request and its whole body, or an error.
func netHTTPRead(b []byte) (*http.Request, []byte, error) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, nil, err
	}
	return req, body, nil
}

// netHTTPHeaders is our header list the way net/http keeps it: values in
// order under the canonical name.
func netHTTPHeaders(r *Request) map[string][]string {
	m := canonical(r.Headers)
	// ReadRequest moves a chunked Transfer-Encoding into TransferEncoding.
	if r.Chunked {
		delete(m, "Transfer-Encoding")
	}
	// ReadRequest moves Host out of the map into Request.Host.
	delete(m, "Host")
	// net/http adds "Cache-Control: no-cache" to an old-style
	// "Pragma: no-cache" (fixPragmaCacheControl); that is not on the wire.
	if p := m["Pragma"]; len(p) > 0 && p[0] == "no-cache" && m["Cache-Control"] == nil {
		m["Cache-Control"] = []string{"no-cache"}
	}
	return m
}

// canonical is headers keyed by their canonical names, as net/http keeps them.
func canonical(hs []Header) map[string][]string {
	m := map[string][]string{}
	for _, h := range hs {
		k := textproto.CanonicalMIMEHeaderKey(h.Name)
		m[k] = append(m[k], h.Value)
	}
	return m
}

// netHTTPHost is what net/http puts in Request.Host: the host of an
// http(s):// target, or else the Host header.
func netHTTPHost(r *Request) string {
	rest, ok := cutPrefixFold(r.Target, "http://")
	if !ok {
		rest, ok = cutPrefixFold(r.Target, "https://")
	}
	if ok {
		if i := strings.IndexAny(rest, "/?"); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	host, _ := r.Get("Host")
	return host
}

// intendedDifferences are requests net/http's ReadRequest accepts and
// ParseRequest refuses on purpose, with the statuses we answer. Each is
// stricter than net/http, never more lenient: where net/http refuses,
// ParseRequest must refuse too. Several of them net/http's Server refuses
// as well, after ReadRequest (see conn.readRequest in net/http/server.go).
var intendedDifferences = []struct {
	name     string
	statuses []int
	hit      func(rawRequest) bool
}{
	{"a line ends in a bare LF", []int{400}, usesBareLF},
	{"obs-fold (a header line starts with a space or tab)", []int{400}, usesObsFold},
	{"a space in a header name, as in \"Host : x\"", []int{400}, spaceInHeaderName},
	{"HTTP/1.1 without Host", []int{400}, missingHost},
	{"a Host that is not host[:port]", []int{400}, hostNotHostPort},
	{"more than one Content-Length", []int{400}, repeatedContentLength},
	{"Transfer-Encoding next to Content-Length, or on HTTP/1.0", []int{400}, transferEncodingInDoubt},
	{"a chunked body net/http reads more loosely", []int{400, 431}, looseChunked},
	{"an HTTP version other than 1.0 and 1.1", []int{505}, otherHTTPVersion},
	{"a target that is not /path, http(s)://URL or OPTIONS *", []int{400}, otherTargetForm},
	{"a target with non-ASCII, # or a broken % escape", []int{400}, strictTargetBytes},
	{"a target URL whose host is not host[:port]", []int{400}, absoluteURLHost},
	{"over the header or body limit", []int{413, 431}, overLimits},
}

// usesBareLF: net/http ends a line at LF and drops a CR before it if there
// is one. We teach that HTTP lines end in CRLF (RFC 9112 2.2 lets a server
// accept a bare LF, it does not require it), so a bare LF is a 400.
func usesBareLF(r rawRequest) bool { return r.bareLF }

// usesObsFold: net/http joins a header line that starts with a space or tab
// to the one before (obs-fold). RFC 9112 5.2 lets a server refuse it with
// 400, and we do: programs that disagree about folding can be fooled.
func usesObsFold(r rawRequest) bool { return r.folded }

// spaceInHeaderName: net/http's ReadRequest takes "Host : x" as a header
// named "Host " (go.dev/issue/34540), though its Server then refuses it.
// RFC 9112 5.1 says a server MUST refuse whitespace before the colon: it is
// a request smuggling shape. We refuse it, and any space in a name.
func spaceInHeaderName(r rawRequest) bool {
	for _, h := range r.headers {
		if strings.ContainsRune(h.name, ' ') {
			return true
		}
	}
	return false
}

// missingHost: RFC 9112 3.2 says an HTTP/1.1 request without Host is a
// 400. net/http's Server does that; ReadRequest alone does not check.
func missingHost(r rawRequest) bool {
	return r.version == "HTTP/1.1" && r.count("Host") == 0
}

// hostNotHostPort: we check Host is a host and maybe a port (RFC 9110 7.2);
// ReadRequest does not look at it, and the Server checks only its bytes.
func hostNotHostPort(r rawRequest) bool {
	for _, h := range r.headers {
		if equalFoldASCII(h.name, "Host") && h.value != "" && !isHostPort(h.value) {
			return true
		}
	}
	return false
}

// repeatedContentLength: net/http accepts several Content-Length headers
// if they all agree. Two lengths are a request smuggling shape even so, and
// a lesson should show one; we refuse them all (RFC 9112 6.3 allows it).
func repeatedContentLength(r rawRequest) bool { return r.count("Content-Length") > 1 }

// transferEncodingInDoubt: net/http decodes a chunked body and drops a
// Content-Length next to it, and on HTTP/1.0 ignores Transfer-Encoding.
// RFC 9112 6.1 lets a server refuse the first and says the second's
// framing is faulty: both are request smuggling shapes, and a 400 here.
func transferEncodingInDoubt(r rawRequest) bool {
	return r.count("Transfer-Encoding") > 0 && (r.count("Content-Length") > 0 || r.version == "HTTP/1.0")
}

// looseChunked: in a chunked body net/http trims spaces and tabs after a
// chunk size ("5 "), takes any byte but CR and LF in an extension, and
// reads trailer lines as loosely as header lines (bare LF, obs-fold). We
// hold the chunk lines to the RFC's grammar, refuse control bytes in an
// extension, and trailer lines to the header rules.
func looseChunked(r rawRequest) bool {
	if r.count("Transfer-Encoding") == 0 || r.headerLen < 0 {
		return false
	}
	body := r.raw[r.headerLen:]
	for {
		i := bytes.Index(body, []byte("\r\n"))
		if i < 0 {
			return false
		}
		line := body[:i]
		hex, ext, _ := bytes.Cut(line, []byte(";"))
		if len(bytes.TrimRight(hex, " \t")) != len(hex) || bytes.ContainsFunc(ext, func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f }) {
			return true
		}
		size, err := strconv.ParseUint(string(bytes.TrimRight(hex, " \t")), 16, 64)
		if err != nil {
			return false
		}
		body = body[i+2:]
		if size == 0 {
			// Trailers: anything a loose header reader takes, we may refuse.
			return len(body) > 0 && !bytes.HasPrefix(body, []byte("\r\n"))
		}
		if uint64(len(body)) < size+2 {
			return false
		}
		body = body[size+2:]
	}
}

// otherHTTPVersion: ReadRequest accepts any HTTP/x.y with one digit each;
// its Server answers 505 to major versions other than 1 but serves 1.2 as
// 1.1. We speak exactly HTTP/1.0 and HTTP/1.1 and answer 505 to the rest.
func otherHTTPVersion(r rawRequest) bool {
	v := r.version
	return len(v) == 8 && strings.HasPrefix(v, "HTTP/") && isDigitByte(v[5]) && v[6] == '.' && isDigitByte(v[7]) &&
		v != "HTTP/1.0" && v != "HTTP/1.1"
}

// otherTargetForm: net/http accepts any absolute URI as a target (ftp:x,
// mailto:x, http:/x), CONNECT's host:port (authority-form), and * with any
// method. An origin server needs only /path, http(s):// URLs, and * for
// OPTIONS (RFC 9112 3.2.4), so the rest is a 400.
func otherTargetForm(r rawRequest) bool {
	t := r.target
	if strings.HasPrefix(t, "/") || t == "*" && r.method == "OPTIONS" {
		return false
	}
	_, http := cutPrefixFold(t, "http://")
	_, https := cutPrefixFold(t, "https://")
	return !http && !https
}

// strictTargetBytes: a URI is ASCII, has no fragment in a request, and
// every % starts an escape (RFC 3986). net/http lets non-ASCII bytes and #
// through, and checks % escapes only in the path, not the query.
func strictTargetBytes(r rawRequest) bool {
	t := r.target
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] >= 0x80, t[i] == '#':
			return true
		case t[i] == '%' && (i+2 >= len(t) || !isHexByte(t[i+1]) || !isHexByte(t[i+2])):
			return true
		}
	}
	return false
}

// absoluteURLHost: in an http(s):// target, net/url accepts an empty host,
// user@, %-escapes and "<>[] in the host; RFC 9110 4.2.1 says an http URL
// with an empty host is invalid and userinfo must not be sent. We take only
// host[:port].
func absoluteURLHost(r rawRequest) bool {
	rest, ok := cutPrefixFold(r.target, "http://")
	if !ok {
		rest, ok = cutPrefixFold(r.target, "https://")
	}
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return !isHostPort(rest)
}

// overLimits: ReadRequest has no size limits of its own (the Server has
// MaxHeaderBytes). We refuse a header over 8 KiB with 431 and a
// Content-Length over 1 MiB with 413.
func overLimits(r rawRequest) bool {
	if r.headerLen > defaultMaxHeaderBytes || r.headerLen < 0 && r.size > defaultMaxHeaderBytes {
		return true
	}
	for _, h := range r.headers {
		if equalFoldASCII(h.name, "Content-Length") {
			if n, err := strconv.ParseUint(h.value, 10, 63); err == nil && n > defaultMaxBodyBytes {
				return true
			}
		}
	}
	return false
}

// wireHostPort is host[:port] written out on its own, apart from the
// parser's checkAuthority: a reg-name or a bracketed IPv6 address.
var wireHostPort = regexp.MustCompile(`^(?:[A-Za-z0-9\-._~!$&'()*+,;=]+|\[([0-9A-Fa-f:.]+)\])(?::[0-9]*)?$`)

func isHostPort(s string) bool {
	m := wireHostPort.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	if m[1] != "" {
		a, err := netip.ParseAddr(m[1])
		return err == nil && a.Is6()
	}
	return true
}

// rawRequest is the header of a request split up the lenient way net/http
// reads it: a line ends at LF, and one CR before the LF is dropped.
type rawRequest struct {
	method, target, version string
	headers                 []rawHeader
	bareLF, folded          bool
	headerLen               int // bytes up to the end of the blank line; -1 if none
	size                    int
	raw                     []byte // the whole input
}

type rawHeader struct{ name, value string }

func (r rawRequest) count(name string) int {
	n := 0
	for _, h := range r.headers {
		if equalFoldASCII(h.name, name) {
			n++
		}
	}
	return n
}

func readRaw(b []byte) rawRequest {
	r := rawRequest{headerLen: -1, size: len(b), raw: b}
	for pos, first := 0, true; ; first = false {
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			return r
		}
		line := b[pos : pos+i]
		pos += i + 1
		if l, ok := bytes.CutSuffix(line, []byte("\r")); ok {
			line = l
		} else {
			r.bareLF = true
		}
		switch {
		case first:
			// As net/http splits it: at the first two spaces.
			method, rest, _ := strings.Cut(string(line), " ")
			r.method = method
			r.target, r.version, _ = strings.Cut(rest, " ")
		case len(line) == 0:
			r.headerLen = pos
			return r
		case line[0] == ' ' || line[0] == '\t':
			r.folded = true
		default:
			name, value, _ := bytes.Cut(line, []byte(":"))
			r.headers = append(r.headers, rawHeader{string(name), string(bytes.Trim(value, " \t"))})
		}
	}
}
