package httpwire

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
)

// wireWait bounds every network wait in these tests, so a bug fails, never hangs.
const wireWait = 5 * time.Second

// Requests as real clients send them.
const (
	wireCurlGET = "GET / HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"User-Agent: curl/8.5.0\r\n" +
		"Accept: */*\r\n" +
		"\r\n"

	wireChromiumGET = "GET /docs/index.html?lang=ko&q=tubes HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"Connection: keep-alive\r\n" +
		"Cache-Control: max-age=0\r\n" +
		"sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\n" +
		"sec-ch-ua-mobile: ?0\r\n" +
		"sec-ch-ua-platform: \"Linux\"\r\n" +
		"Upgrade-Insecure-Requests: 1\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n" +
		"Sec-Fetch-Site: none\r\n" +
		"Sec-Fetch-Mode: navigate\r\n" +
		"Sec-Fetch-User: ?1\r\n" +
		"Sec-Fetch-Dest: document\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Accept-Language: ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7\r\n" +
		"Cookie: theme=dark; lesson=http-request\r\n" +
		"\r\n"

	wireFormBody = "user=ada&note=hello%20world%21&lang=%ED%95%9C"
	wirePOSTForm = "POST /login HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"User-Agent: curl/8.5.0\r\n" +
		"Accept: */*\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: 45\r\n" +
		"\r\n" +
		wireFormBody

	wireHTTP10 = "GET /old HTTP/1.0\r\n\r\n"

	wireOptionsStar = "OPTIONS * HTTP/1.1\r\nHost: localhost:3000\r\n\r\n"

	wireAbsoluteForm = "GET http://localhost:3000/proxy?x=1 HTTP/1.1\r\nHost: localhost:3000\r\n\r\n"
)

type wireAccepted struct {
	name                    string
	in                      string
	method, target, version string
	headers                 int
	body                    string
	close                   bool
}

var wireAcceptedCases = []wireAccepted{
	{"curl GET", wireCurlGET, "GET", "/", "HTTP/1.1", 3, "", false},
	{"Chromium GET", wireChromiumGET, "GET", "/docs/index.html?lang=ko&q=tubes", "HTTP/1.1", 16, "", false},
	{"POST form", wirePOSTForm, "POST", "/login", "HTTP/1.1", 5, wireFormBody, false},
	{"HTTP/1.0 without Host", wireHTTP10, "GET", "/old", "HTTP/1.0", 0, "", true},
	{"OPTIONS *", wireOptionsStar, "OPTIONS", "*", "HTTP/1.1", 1, "", false},
	{"absolute-form", wireAbsoluteForm, "GET", "http://localhost:3000/proxy?x=1", "HTTP/1.1", 1, "", false},
	{"IPv6 host and odd spacing",
		"PUT /a/b%20c HTTP/1.1\r\nHost:[::1]:3000\r\nX-Empty:\r\nX-Tabs:\t spaced out \t\r\nContent-Length: 000\r\n\r\n",
		"PUT", "/a/b%20c", "HTTP/1.1", 4, "", false},
	{"empty Host and obs-text value",
		"GET / HTTP/1.1\r\nHost:\r\nX-Name: J\xc3\xbcrgen\r\n\r\n",
		"GET", "/", "HTTP/1.1", 2, "", false},
	{"extension method", "PURGE /cache HTTP/1.1\r\nHost: x\r\n\r\n", "PURGE", "/cache", "HTTP/1.1", 1, "", false},
}

func TestParseRequestAcceptsRealRequests(t *testing.T) {
	if len(wireFormBody) != 45 {
		t.Fatalf("wireFormBody is %d bytes; fix its Content-Length", len(wireFormBody))
	}
	for _, tc := range wireAcceptedCases {
		t.Run(tc.name, func(t *testing.T) {
			req, n, err := ParseRequest([]byte(tc.in), Limits{})
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if n != len(tc.in) {
				t.Errorf("n = %d, want %d", n, len(tc.in))
			}
			if req.Method != tc.method || req.Target != tc.target || req.Version != tc.version {
				t.Errorf("request line = %q %q %q, want %q %q %q", req.Method, req.Target, req.Version, tc.method, tc.target, tc.version)
			}
			if len(req.Headers) != tc.headers {
				t.Errorf("%d headers, want %d: %q", len(req.Headers), tc.headers, req.Headers)
			}
			if string(req.Body) != tc.body {
				t.Errorf("body = %q, want %q", req.Body, tc.body)
			}
			if req.Close != tc.close {
				t.Errorf("Close = %v, want %v", req.Close, tc.close)
			}
			checkParsedShape(t, []byte(tc.in), req, n)
			// net/http reads the same bytes the same way.
			if why := compareWithNetHTTP([]byte(tc.in)); why != "" {
				t.Errorf("net/http disagrees: %s", why)
			}
		})
	}
}

func TestParseRequestHeaderValues(t *testing.T) {
	req, _, err := ParseRequest([]byte(wireAcceptedCases[6].in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Header{{"Host", "[::1]:3000"}, {"X-Empty", ""}, {"X-Tabs", "spaced out"}, {"Content-Length", "000"}}
	if len(req.Headers) != len(want) {
		t.Fatalf("headers = %q, want %q", req.Headers, want)
	}
	for i := range want {
		if req.Headers[i] != want[i] {
			t.Errorf("header %d = %q, want %q", i, req.Headers[i], want[i])
		}
	}
}

// wireRejected is a request the parser must refuse, the status it must
// answer, and a word the reason must contain.
type wireRejected struct {
	name   string
	in     string
	status int
	reason string
}

const wireHost = "Host: localhost:3000\r\n"

var wireRejectedCases = []wireRejected{
	// Line endings.
	{"bare LF after request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400, "bare LF"},
	{"bare LF after header", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400, "bare LF"},
	{"bare LF blank line", "GET / HTTP/1.1\r\nHost: x\r\n\n", 400, "bare LF"},
	{"only LFs", "GET / HTTP/1.1\nHost: x\n\n", 400, "line 1 ends in a bare LF"},
	{"bare CR in request line", "GET /\r HTTP/1.1\r\n" + wireHost + "\r\n", 400, "CR"},
	{"bare CR in header value", "GET / HTTP/1.1\r\nX: a\rb\r\n" + wireHost + "\r\n", 400, "CR"},
	{"CR CR LF", "GET / HTTP/1.1\r\r\n" + wireHost + "\r\n", 400, "CR"},
	{"leading empty line", "\r\nGET / HTTP/1.1\r\n" + wireHost + "\r\n", 400, "empty line"},

	// The request line.
	{"double space", "GET  / HTTP/1.1\r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"tab separator", "GET\t/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"no version", "GET /\r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"no method", " / HTTP/1.1\r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"space after version", "GET / HTTP/1.1 \r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"four parts", "GET / x HTTP/1.1\r\n" + wireHost + "\r\n", 400, "single spaces"},
	{"method with (", "GE(T / HTTP/1.1\r\n" + wireHost + "\r\n", 400, "method"},
	{"method with NUL", "GE\x00T / HTTP/1.1\r\n" + wireHost + "\r\n", 400, `\x00`},
	{"HTTP/2.0", "GET / HTTP/2.0\r\n" + wireHost + "\r\n", 505, "HTTP/2.0"},
	{"HTTP/1.2", "GET / HTTP/1.2\r\n" + wireHost + "\r\n", 505, "HTTP/1.2"},
	{"HTTP/3", "GET / HTTP/3\r\n" + wireHost + "\r\n", 505, "HTTP/3"},
	{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "HTTP/2.0"},
	{"lower-case version", "GET / http/1.1\r\n" + wireHost + "\r\n", 400, "not an HTTP version"},
	{"version garbage", "GET / HTTP/1.1.1\r\n" + wireHost + "\r\n", 400, "not an HTTP version"},
	{"version missing slash", "GET / HTTP1.1\r\n" + wireHost + "\r\n", 400, "not an HTTP version"},

	// The target.
	{"relative target", "GET index.html HTTP/1.1\r\n" + wireHost + "\r\n", 400, "start with /"},
	{"authority-form CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 400, "start with /"},
	{"other scheme", "GET ftp://example.com/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "start with /"},
	{"star with GET", "GET * HTTP/1.1\r\n" + wireHost + "\r\n", 400, "OPTIONS"},
	{"control byte in target", "GET /a\x01b HTTP/1.1\r\n" + wireHost + "\r\n", 400, "control byte"},
	{"DEL in target", "GET /a\x7f HTTP/1.1\r\n" + wireHost + "\r\n", 400, `\x7f`},
	{"non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" + wireHost + "\r\n", 400, "percent-encoded"},
	{"fragment in target", "GET /page#top HTTP/1.1\r\n" + wireHost + "\r\n", 400, "fragment"},
	{"bad escape in path", "GET /a%zz HTTP/1.1\r\n" + wireHost + "\r\n", 400, "escape"},
	{"cut escape in query", "GET /a?p=100% HTTP/1.1\r\n" + wireHost + "\r\n", 400, "escape"},
	{"URL without host", "GET http:///x HTTP/1.1\r\n" + wireHost + "\r\n", 400, "no host"},
	{"URL with userinfo", "GET http://ada@localhost/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, `"@"`},
	{"URL with bad port", "GET http://localhost:8o/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "port"},
	{"URL with open bracket", "GET http://[::1/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "]"},
	{"URL with IPv4 in brackets", "GET http://[127.0.0.1]/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "IPv6"},
	{"URL with bytes after the brackets", "GET http://[::1]x/ HTTP/1.1\r\n" + wireHost + "\r\n", 400, "only :port"},

	// Header lines.
	{"no colon", "GET / HTTP/1.1\r\nHost localhost\r\n\r\n", 400, "no colon"},
	{"empty name", "GET / HTTP/1.1\r\n" + wireHost + ": x\r\n\r\n", 400, "no header name"},
	{"space before colon", "GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", 400, "between the header name"},
	{"tab before colon", "GET / HTTP/1.1\r\n" + wireHost + "Content-Length\t: 0\r\n\r\n", 400, "between the header name"},
	{"space inside name", "GET / HTTP/1.1\r\n" + wireHost + "X Y: 1\r\n\r\n", 400, "header name"},
	{"bad name byte", "GET / HTTP/1.1\r\n" + wireHost + "X(Y): 1\r\n\r\n", 400, "header name"},
	{"obs-fold", "GET / HTTP/1.1\r\n" + wireHost + "X-Long: one\r\n two\r\n\r\n", 400, "obs-fold"},
	{"tab fold", "GET / HTTP/1.1\r\n" + wireHost + "X-Long: one\r\n\ttwo\r\n\r\n", 400, "obs-fold"},
	{"first header folded", "GET / HTTP/1.1\r\n " + wireHost + "\r\n", 400, "obs-fold"},
	{"control byte in value", "GET / HTTP/1.1\r\n" + wireHost + "X: a\x01b\r\n\r\n", 400, "control byte"},
	{"NUL in value", "GET / HTTP/1.1\r\n" + wireHost + "X: a\x00b\r\n\r\n", 400, `\x00`},
	{"DEL in value", "GET / HTTP/1.1\r\n" + wireHost + "X: a\x7f\r\n\r\n", 400, "control byte"},

	// Host.
	{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "needs a Host"},
	{"two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, "2 Host headers"},
	{"two Host headers, other case", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "2 Host headers"},
	{"Host with a path", "GET / HTTP/1.1\r\nHost: localhost/x\r\n\r\n", 400, "Host header"},
	{"Host with a space", "GET / HTTP/1.1\r\nHost: local host\r\n\r\n", 400, "Host header"},
	{"Host with bad port", "GET / HTTP/1.1\r\nHost: localhost:http\r\n\r\n", 400, "port"},
	{"Host with only a port", "GET / HTTP/1.1\r\nHost: :3000\r\n\r\n", 400, "no host"},

	// Content-Length and Transfer-Encoding.
	{"length not a number", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: ten\r\n\r\n", 400, "only digits"},
	{"negative length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: -1\r\n\r\n", 400, "only digits"},
	{"plus sign length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: +5\r\n\r\nhello", 400, "only digits"},
	{"hex length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 0x5\r\n\r\nhello", 400, "only digits"},
	{"empty length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length:\r\n\r\n", 400, "only digits"},
	{"list length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 5, 5\r\n\r\nhello", 400, "only digits"},
	{"two equal lengths", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400, "2 Content-Length"},
	{"two different lengths", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 5\r\ncontent-length: 6\r\n\r\nhello!", 400, "2 Content-Length"},
	{"length and chunked", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"},
	{"gzip encoding", "POST / HTTP/1.1\r\n" + wireHost + "Transfer-Encoding: gzip\r\n\r\n", 501, "chunked"},
	{"Trailer announces Content-Length", "POST / HTTP/1.1\r\n" + wireHost + "Transfer-Encoding: chunked\r\nTrailer: Content-Length\r\n\r\n0\r\n\r\n", 400, "may not come after the body"},
	{"chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "HTTP/1.0"},

	// Limits.
	{"header over 8 KiB", "GET / HTTP/1.1\r\n" + wireHost + "X-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", 431, "8192"},
	{"header over 8 KiB, no end yet", "GET / HTTP/1.1\r\n" + wireHost + "X-Big: " + strings.Repeat("a", 8<<10), 431, "8192"},
	{"huge Content-Length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 1048577\r\n\r\n", 413, "1048576"},
	{"enormous Content-Length", "POST / HTTP/1.1\r\n" + wireHost + "Content-Length: 99999999999999999999999999\r\n\r\n", 413, "1048576"},
}

func TestParseRequestRejects(t *testing.T) {
	for _, tc := range wireRejectedCases {
		t.Run(tc.name, func(t *testing.T) {
			req, n, err := ParseRequest([]byte(tc.in), Limits{})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseRequest(%q) = %v, %d, %v; want a ParseError %d", tc.in, req, n, err, tc.status)
			}
			if req != nil || n != 0 {
				t.Errorf("a refused request returned %v, %d", req, n)
			}
			if pe.Status != tc.status || !strings.Contains(english(pe), tc.reason) {
				t.Errorf("got %d %q, want %d and a reason with %q", pe.Status, english(pe), tc.status, tc.reason)
			}
			checkSafeReason(t, english(pe))
		})
	}
}

// checkSafeReason: a reason is one line of printable text, since it is sent
// back to the client and drawn on the screen.
func checkSafeReason(t *testing.T, reason string) {
	t.Helper()
	if reason == "" {
		t.Fatal("empty reason")
	}
	for _, r := range reason {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			t.Fatalf("reason %q has %U, which is not safe to print", reason, r)
		}
	}
}

// Every proper prefix of a good request is a request still arriving.
func TestParseRequestIncompleteForEveryPrefix(t *testing.T) {
	for _, tc := range wireAcceptedCases {
		for k := 0; k < len(tc.in); k++ {
			req, n, err := ParseRequest([]byte(tc.in[:k]), Limits{})
			if err != ErrIncomplete || req != nil || n != 0 {
				t.Fatalf("%s: prefix of %d bytes %q: got %v, %d, %v; want ErrIncomplete", tc.name, k, tc.in[:k], req, n, err)
			}
		}
	}
}

func TestParseRequestKeepAliveBuffer(t *testing.T) {
	first := wirePOSTForm
	second := "GET /next HTTP/1.1\r\nHost: localhost:3000\r\nConnection: close\r\n\r\n"
	b := []byte(first + second)

	req, n, err := ParseRequest(b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(first) || string(req.Body) != wireFormBody || req.Close {
		t.Fatalf("first: n = %d (want %d), body %q, Close %v", n, len(first), req.Body, req.Close)
	}
	req, m, err := ParseRequest(b[n:], Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m != len(second) || req.Target != "/next" || !req.Close {
		t.Fatalf("second: n = %d (want %d), target %q, Close %v", m, len(second), req.Target, req.Close)
	}
}

func TestParseRequestPartsOffsets(t *testing.T) {
	in := "POST /echo HTTP/1.1\r\n" + // 0..21
		"Host: a\r\n" + // 21..30
		"Content-Length: 5\r\n" + // 30..49
		"\r\n" + // 49..51
		"hello" + // 51..56
		"GET" // the next request, not part of this one
	req, n, err := ParseRequest([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Part{
		{PartRequestLine, 0, 21},
		{PartHeader, 21, 30},
		{PartHeader, 30, 49},
		{PartBlank, 49, 51},
		{PartBody, 51, 56},
	}
	if n != 56 || len(req.Parts) != len(want) {
		t.Fatalf("n = %d, parts = %v; want 56, %v", n, req.Parts, want)
	}
	for i, p := range want {
		if req.Parts[i] != p {
			t.Errorf("part %d = %v, want %v (%q)", i, req.Parts[i], p, in[p.Start:p.End])
		}
	}

	// Without a body there is no body part.
	req, _, err = ParseRequest([]byte(wireCurlGET), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if last := req.Parts[len(req.Parts)-1]; last.Kind != PartBlank || last.End != len(wireCurlGET) {
		t.Errorf("last part of a GET = %v", last)
	}
}

func TestParseRequestClose(t *testing.T) {
	cases := []struct {
		name, version, connection string
		close                     bool
	}{
		{"1.0", "HTTP/1.0", "", true},
		{"1.0 keep-alive", "HTTP/1.0", "Connection: keep-alive\r\n", false},
		{"1.0 Keep-Alive mixed case", "HTTP/1.0", "connection: Keep-Alive\r\n", false},
		{"1.0 keep-alive, close", "HTTP/1.0", "Connection: keep-alive, close\r\n", true},
		{"1.1", "HTTP/1.1", "", false},
		{"1.1 close", "HTTP/1.1", "Connection: close\r\n", true},
		{"1.1 CLOSE", "HTTP/1.1", "Connection: CLOSE\r\n", true},
		{"1.1 keep-alive, close", "HTTP/1.1", "Connection: keep-alive, close\r\n", true},
		{"1.1 close in a second header", "HTTP/1.1", "Connection: upgrade\r\nConnection: \tclose \r\n", true},
		{"1.1 closed is not close", "HTTP/1.1", "Connection: closed\r\n", false},
		{"1.1 keep-alive", "HTTP/1.1", "Connection: keep-alive\r\n", false},
	}
	for _, tc := range cases {
		in := "GET / " + tc.version + "\r\nHost: a\r\n" + tc.connection + "\r\n"
		req, _, err := ParseRequest([]byte(in), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if req.Close != tc.close {
			t.Errorf("%s: Close = %v, want %v", tc.name, req.Close, tc.close)
		}
		if why := compareWithNetHTTP([]byte(in)); why != "" {
			t.Errorf("%s: net/http disagrees: %s", tc.name, why)
		}
	}
}

func TestParseRequestLimits(t *testing.T) {
	in := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
	header := len(in) - 4
	cases := []struct {
		name   string
		lim    Limits
		in     string
		status int // 0: accepted; -1: ErrIncomplete
	}{
		{"header exactly at the limit", Limits{MaxHeaderBytes: header}, in, 0},
		{"header one over", Limits{MaxHeaderBytes: header - 1}, in, 431},
		{"limit reached before the blank line", Limits{MaxHeaderBytes: header - 1}, in[:header-1], 431},
		{"still under the limit", Limits{MaxHeaderBytes: header}, in[:header-1], -1},
		{"body exactly at the limit", Limits{MaxBodyBytes: 4}, in, 0},
		{"body one over, before it arrives", Limits{MaxBodyBytes: 3}, in[:header], 413},
		{"zero limits are the defaults", Limits{}, in, 0},
		{"negative limits are the defaults", Limits{MaxHeaderBytes: -1, MaxBodyBytes: -1}, in, 0},
	}
	for _, tc := range cases {
		_, _, err := ParseRequest([]byte(tc.in), tc.lim)
		var pe *ParseError
		switch {
		case tc.status == 0 && err != nil,
			tc.status == -1 && err != ErrIncomplete,
			tc.status > 0 && (!errors.As(err, &pe) || pe.Status != tc.status):
			t.Errorf("%s: got %v, want %d", tc.name, err, tc.status)
		}
	}
}

func TestRequestGet(t *testing.T) {
	req, _, err := ParseRequest([]byte("GET / HTTP/1.1\r\nHost: a\r\nX-Twice: 1\r\nx-twice: 2\r\n\r\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := req.Get("X-TWICE"); !ok || v != "1" {
		t.Errorf("Get(X-TWICE) = %q, %v; want the first, 1", v, ok)
	}
	if v, ok := req.Get("host"); !ok || v != "a" {
		t.Errorf("Get(host) = %q, %v", v, ok)
	}
	if _, ok := req.Get("Accept"); ok {
		t.Error("Get(Accept) found a header that is not there")
	}
	if _, ok := req.Get("\u212aost"); ok { // KELVIN SIGN folds to k in Unicode, not in ASCII
		t.Error("Get matched a non-ASCII name")
	}
}

func TestParseRequestKeepsNoReference(t *testing.T) {
	b := []byte(wirePOSTForm)
	req, _, err := ParseRequest(b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 'X'
	}
	if string(req.Body) != wireFormBody || req.Headers[0].Value != "localhost:3000" {
		t.Errorf("the request changed with its input: %q %q", req.Body, req.Headers[0].Value)
	}
}

func TestParseErrorAndPartKindText(t *testing.T) {
	// Error is one line without words: the status, the key and values.
	e := &ParseError{Status: 431, Reason: netcore.Phrase{Key: "wire.head.toolong", Args: []any{8192}}}
	if got := e.Error(); got != "431 Request Header Fields Too Large: wire.head.toolong 8192" {
		t.Errorf("Error() = %q", got)
	}
	for k, want := range map[PartKind]string{PartRequestLine: "request line", PartHeader: "header", PartBlank: "blank line", PartBody: "body", 9: "PartKind(9)"} {
		if k.String() != want {
			t.Errorf("PartKind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}

// A long excerpt is cut, and what is quoted is escaped.
func TestParseErrorReasonQuotesSafely(t *testing.T) {
	for _, in := range []string{
		"GET /" + strings.Repeat("\u202e\xc2\x9b", 30) + " HTTP/1.1\r\nHost: a\r\n\r\n", // bidi and C1 controls
		"GET /\x1b[2J HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX-\x1b]0;pwned\x07: 1\r\n\r\n",
	} {
		_, _, err := ParseRequest([]byte(in), Limits{})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Status != 400 {
			t.Fatalf("%q: got %v", in, err)
		}
		checkSafeReason(t, english(pe))
		for _, said := range []string{english(pe), pe.Reason.Say(koWords)} {
			checkSafeReason(t, said)
			if len(said) > 250 {
				t.Errorf("reason is %d bytes long: %q", len(said), said)
			}
		}
	}
}

// ReadRequest without a network: readers that hand out one byte at a time,
// or data together with io.EOF.
func TestReadRequestFromReaders(t *testing.T) {
	stream := wireCurlGET + wirePOSTForm + wireHTTP10
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(stream))},
		{"data with EOF", iotest.DataErrReader(strings.NewReader(stream))},
		{"half at a time", iotest.HalfReader(strings.NewReader(stream))},
	} {
		var buf []byte
		var targets []string
		for {
			req, err := ReadRequest(tc.r, &buf, Limits{})
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: after %v: %v", tc.name, targets, err)
			}
			targets = append(targets, req.Target)
		}
		if strings.Join(targets, " ") != "/ /login /old" {
			t.Errorf("%s: read %v", tc.name, targets)
		}
	}
}

func TestReadRequestErrors(t *testing.T) {
	var buf []byte
	_, err := ReadRequest(strings.NewReader(wireCurlGET[:20]), &buf, Limits{})
	if err != io.ErrUnexpectedEOF {
		t.Errorf("request cut short: %v, want io.ErrUnexpectedEOF", err)
	}

	buf = nil
	_, err = ReadRequest(strings.NewReader(wirePOSTForm[:len(wirePOSTForm)-1]), &buf, Limits{})
	if err != io.ErrUnexpectedEOF {
		t.Errorf("body cut short: %v, want io.ErrUnexpectedEOF", err)
	}

	buf = nil
	_, err = ReadRequest(strings.NewReader(""), &buf, Limits{})
	if err != io.EOF {
		t.Errorf("nothing: %v, want io.EOF", err)
	}

	buf = nil
	_, err = ReadRequest(strings.NewReader("GET / HTTP/2.0\r\n"), &buf, Limits{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Status != 505 {
		t.Errorf("HTTP/2.0: %v, want a 505 ParseError", err)
	}

	// A refused request is refused as soon as its bad line is in, without
	// waiting for the rest.
	buf = nil
	_, err = ReadRequest(iotest.OneByteReader(io.MultiReader(strings.NewReader("GET / HTTP/1.1\n"), neverReader{})), &buf, Limits{})
	if !errors.As(err, &pe) || pe.Status != 400 {
		t.Errorf("bare LF: %v, want a 400 ParseError", err)
	}

	buf = nil
	boom := errors.New("boom")
	_, err = ReadRequest(iotest.ErrReader(boom), &buf, Limits{})
	if err != boom {
		t.Errorf("read error: %v, want it passed on", err)
	}

	buf = nil
	_, err = ReadRequest(emptyReader{}, &buf, Limits{})
	if err != io.ErrNoProgress {
		t.Errorf("reader that returns nothing: %v, want io.ErrNoProgress", err)
	}
}

// neverReader stands for a client that sends nothing more: reading it fails the test.
type neverReader struct{}

func (neverReader) Read([]byte) (int, error) { panic("read past a refused request") }

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// A body that trickles in byte by byte is not parsed again for every byte;
// its first KeepBody bytes are kept and the rest counted.
func TestReadRequestSlowBodyParsesHeaderOnce(t *testing.T) {
	body := strings.Repeat("x", 100_000)
	in := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	var buf []byte
	start := time.Now()
	req, err := ReadRequest(iotest.OneByteReader(strings.NewReader(in)), &buf, Limits{})
	if err != nil || req.BodyLen != len(body) || string(req.Body) != body[:defaultKeepBody] {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 100 kB body one byte at a time took %v", d)
	}
}

// wireListen serves one loopback connection with serve and returns the
// address to dial.
func wireListen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(wireWait))
		serve(c)
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case <-done:
		case <-time.After(wireWait):
			t.Error("server goroutine did not end")
		}
	})
	return ln.Addr().String()
}

type wireResult struct {
	req *Request
	err error
}

// wireServe reads requests until an error and reports each result.
func wireServe(results chan<- wireResult) func(net.Conn) {
	return func(c net.Conn) {
		var buf []byte
		for {
			req, err := ReadRequest(c, &buf, Limits{})
			results <- wireResult{req, err}
			if err != nil {
				return
			}
		}
	}
}

func wireDial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, wireWait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(wireWait))
	return c.(*net.TCPConn)
}

func wireNext(t *testing.T, results <-chan wireResult) wireResult {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(wireWait):
		t.Fatal("timed out waiting for ReadRequest")
		return wireResult{}
	}
}

func TestReadRequestOverLoopbackKeepAlive(t *testing.T) {
	results := make(chan wireResult, 4)
	c := wireDial(t, wireListen(t, wireServe(results)))

	// The first request one byte per write, body included.
	for i := 0; i < len(wirePOSTForm); i++ {
		if _, err := c.Write([]byte{wirePOSTForm[i]}); err != nil {
			t.Fatal(err)
		}
	}
	r := wireNext(t, results)
	if r.err != nil || r.req.Method != "POST" || string(r.req.Body) != wireFormBody {
		t.Fatalf("first request: %+v", r)
	}

	// The second on the same connection, also byte by byte; then close.
	for i := 0; i < len(wireCurlGET); i++ {
		if _, err := c.Write([]byte{wireCurlGET[i]}); err != nil {
			t.Fatal(err)
		}
	}
	r = wireNext(t, results)
	if r.err != nil || r.req.Method != "GET" || r.req.Target != "/" {
		t.Fatalf("second request: %+v", r)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if r = wireNext(t, results); r.err != io.EOF {
		t.Fatalf("after the client closed: %+v, want io.EOF", r)
	}
}

func TestReadRequestOverLoopbackPipelined(t *testing.T) {
	results := make(chan wireResult, 4)
	c := wireDial(t, wireListen(t, wireServe(results)))

	// Two requests in one write: the second is already in the buffer when
	// the first is returned.
	if _, err := c.Write([]byte(wireCurlGET + wireChromiumGET)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, want := range []string{"/", "/docs/index.html?lang=ko&q=tubes"} {
		if r := wireNext(t, results); r.err != nil || r.req.Target != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
	}
	if r := wireNext(t, results); r.err != io.EOF {
		t.Fatalf("at the end: %+v, want io.EOF", r)
	}
}

func TestReadRequestOverLoopbackClosedMidRequest(t *testing.T) {
	results := make(chan wireResult, 4)
	c := wireDial(t, wireListen(t, wireServe(results)))

	if _, err := c.Write([]byte(wireCurlGET)); err != nil {
		t.Fatal(err)
	}
	if r := wireNext(t, results); r.err != nil {
		t.Fatalf("first request: %v", r.err)
	}
	half := wirePOSTForm[:len(wirePOSTForm)/2]
	for i := 0; i < len(half); i++ {
		if _, err := c.Write([]byte{half[i]}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	if r := wireNext(t, results); r.err != io.ErrUnexpectedEOF {
		t.Fatalf("closed mid-request: %+v, want io.ErrUnexpectedEOF", r)
	}
}

// checkParsedShape checks what must hold for every accepted request: the
// parts lie in order and back to back from 0 to n, and each part's bytes
// are exactly what the request says they are.
func checkParsedShape(t *testing.T, b []byte, req *Request, n int) {
	t.Helper()
	if n <= 0 || n > len(b) {
		t.Fatalf("n = %d for %d bytes", n, len(b))
	}
	ps := req.Parts
	want := []PartKind{PartRequestLine}
	for range req.Headers {
		want = append(want, PartHeader)
	}
	want = append(want, PartBlank)
	if req.Chunked {
		// size, then data and end for a chunk with data; trailers after
		// the 0 chunk, then the blank line
		for _, p := range ps[len(want):] {
			want = append(want, p.Kind)
		}
		checkChunkedShape(t, want[len(req.Headers)+2:], req)
	} else if len(req.Body) > 0 {
		want = append(want, PartBody)
	}
	if len(ps) != len(want) {
		t.Fatalf("parts %v, want kinds %v", ps, want)
	}
	pos := 0
	for i, p := range ps {
		if p.Kind != want[i] || p.Start != pos || p.End <= p.Start || p.End > n {
			t.Fatalf("part %d %v is not a %v following %d within [0,%d): %v", i, p, want[i], pos, n, ps)
		}
		pos = p.End
	}
	if pos != n {
		t.Fatalf("parts end at %d, n = %d", pos, n)
	}

	// Re-serialise: the request line and blank line come back exactly; a
	// header line comes back exactly except for the spaces and tabs around
	// its value, which Value drops.
	if got := string(b[ps[0].Start:ps[0].End]); got != req.Method+" "+req.Target+" "+req.Version+"\r\n" {
		t.Fatalf("request line bytes %q do not match %q %q %q", got, req.Method, req.Target, req.Version)
	}
	for i, h := range req.Headers {
		line := string(b[ps[i+1].Start:ps[i+1].End])
		value, ok := strings.CutPrefix(line, h.Name+":")
		value, ok2 := strings.CutSuffix(value, "\r\n")
		after, ok3 := strings.CutPrefix(strings.TrimLeft(value, " \t"), h.Value)
		if !ok || !ok2 || !ok3 || strings.Trim(after, " \t") != "" {
			t.Fatalf("header line %q does not match %q", line, h)
		}
	}
	blank := ps[len(req.Headers)+1]
	if blank.Kind != PartBlank || string(b[blank.Start:blank.End]) != "\r\n" {
		t.Fatalf("blank part %v is %q", blank, b[blank.Start:blank.End])
	}
	if req.Chunked {
		// the data parts, joined, are the body
		var data []byte
		for _, p := range ps {
			if p.Kind == PartChunkData {
				data = append(data, b[p.Start:p.End]...)
			}
		}
		if !bytes.Equal(data, req.Body) {
			t.Fatalf("body %q, but the chunks' data is %q", req.Body, data)
		}
		return
	}
	if !bytes.Equal(b[blank.End:n], req.Body) {
		t.Fatalf("body %q, but the bytes after the blank line are %q", req.Body, b[blank.End:n])
	}
}

// A long body is streamed: only KeepBody bytes are kept, the buffer stays
// small, and the request after it on the connection is read whole.
func TestReadRequestStreamsLongBody(t *testing.T) {
	body := strings.Repeat("b", 1<<20)
	in := "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body +
		"GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
	var buf []byte
	r := strings.NewReader(in)
	req, err := ReadRequest(r, &buf, Limits{KeepBody: 100})
	if err != nil {
		t.Fatal(err)
	}
	if req.BodyLen != len(body) || string(req.Body) != body[:100] {
		t.Fatalf("body: %d bytes counted, %d kept", req.BodyLen, len(req.Body))
	}
	if cap(buf) > 64<<10 {
		t.Fatalf("the buffer grew to %d bytes for a streamed body", cap(buf))
	}
	if p := req.Parts[len(req.Parts)-1]; p.Kind != PartBody || p.End-p.Start != len(body) {
		t.Fatalf("body part %+v", p)
	}
	next, err := ReadRequest(r, &buf, Limits{KeepBody: 100})
	if err != nil || next.Target != "/next" {
		t.Fatalf("the next request: %v, %v", next, err)
	}
}
