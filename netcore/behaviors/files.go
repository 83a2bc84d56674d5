package behaviors

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

//go:embed files
var embedded embed.FS

// folder is the folder the files lesson serves: index.html, a picture, a
// text and a style sheet.
var folder, _ = fs.Sub(embedded, "files")

// FilesModified is the Last-Modified of every file of the folder. Embedded
// files carry no time of their own, so the lesson fixes one; its text
// quotes it for If-Modified-Since.
var FilesModified = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// contentTypes maps a file name's ending to its Content-Type. The ending
// is all a file server has to go on; a missing entry is sent as bytes.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
}

// ContentTypeOf is the Content-Type the files server sends for name.
func ContentTypeOf(name string) string {
	if ct, ok := contentTypes[path.Ext(name)]; ok {
		return ct
	}
	return "application/octet-stream"
}

// Resolved is what a file server makes of a request target: the target as
// it came, its path percent-decoded, that path cleaned, and the file in the
// folder it names, or why it was refused.
type Resolved struct {
	Raw, Decoded, Cleaned string
	Name                  string // the file's name in the folder; "" when refused
	Refused               string // the key of why the target was refused (srv.files.why.*); "" when it was not
}

// refusal is why the target was refused, as a Phrase.
func (r Resolved) refusal() netcore.Phrase { return netcore.Phrase{Key: r.Refused} }

// Resolve maps a request target to a file in the folder. It refuses, on
// purpose and before looking at any file, every target that could climb
// out of the folder: a ".." segment (also as %2e%2e or ..%2f), a
// backslash (a separator on Windows), a NUL byte, or a bad escape.
// Cleaned is shown so that a learner sees what a careless server would
// have made of the path.
func Resolve(raw string) Resolved {
	r := Resolved{Raw: raw}
	p, _, _ := strings.Cut(raw, "?")
	dec, err := pathUnescape(p)
	r.Decoded = dec
	r.Cleaned = path.Clean("/" + strings.ReplaceAll(dec, `\`, "/"))
	switch {
	case err != nil:
		r.Refused = "srv.files.why.escape"
	case strings.Contains(dec, `\`):
		r.Refused = "srv.files.why.backslash"
	case hasDotDot(dec):
		r.Refused = "srv.files.why.dotdot"
	case strings.IndexByte(dec, 0) >= 0:
		r.Refused = "srv.files.why.nul"
	}
	if r.Refused != "" {
		return r
	}
	name := strings.TrimPrefix(r.Cleaned, "/")
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) {
		r.Refused = "srv.files.why.outside"
		return r
	}
	r.Name = name
	return r
}

// hasDotDot: a path segment is "..", split at / as after decoding.
func hasDotDot(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// pathUnescape decodes %XX escapes only (a + stays a +, as in a path).
func pathUnescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || hexVal(s[i+1]) < 0 || hexVal(s[i+2]) < 0 {
			b.WriteString(s[i:])
			return b.String(), fmt.Errorf("bad escape at byte %d", i)
		}
		b.WriteByte(byte(hexVal(s[i+1])<<4 | hexVal(s[i+2])))
		i += 2
	}
	return b.String(), nil
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Files serves the embedded folder: GET and HEAD, a Content-Type from
// each name's ending, Last-Modified, and 304 Not Modified for a client
// whose copy is current. Every target that could climb out of the folder
// is refused with 403, and the page and a note show the target as it came
// next to the path cleaned.
type Files struct{ Idle time.Duration }

func (Files) Name() string { return "files" }

func (b Files) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	status, headers, body, note := serveFile(req, c.Words())
	c.Say(note)
	length := len(body)
	if status == 304 {
		length = -1 // a 304 has no body, so no length to give
	}
	if req.Method == "HEAD" {
		body = nil
	}
	_ = respond(c, status, headers, body, length, true)
	finish(c)
}

// serveFile answers one request of the files server, with a note of what
// it decided (keys srv.files.*). words say the refusal in a 403's body.
func serveFile(req *httpwire.Request, words map[string]string) (int, [][2]string, []byte, netcore.Phrase) {
	r := Resolve(req.Target)
	raw, cleaned := netcore.Escape([]byte(r.Raw)), netcore.Escape([]byte(r.Cleaned))
	if req.Method != "GET" && req.Method != "HEAD" {
		body := say("srv.files.body.405", req.Method).Say(words) + "\n"
		return 405, append([][2]string{{"Allow", "GET, HEAD"}}, plainText...), []byte(body), say("srv.files.method", raw, cleaned, req.Method)
	}
	if r.Refused != "" {
		return 403, plainText, []byte(sideBySide(403, r, words)), say("srv.files.refused", raw, cleaned, r.refusal())
	}
	data, err := fs.ReadFile(folder, r.Name)
	if err != nil {
		return 404, plainText, []byte(sideBySide(404, r, words)), say("srv.files.missing", raw, cleaned)
	}
	modified := FilesModified.Format(http.TimeFormat)
	if since, ok := req.Get("If-Modified-Since"); ok {
		if t, err := http.ParseTime(since); err == nil && !FilesModified.After(t) {
			return 304, [][2]string{{"Last-Modified", modified}}, nil, say("srv.files.current", raw, cleaned)
		}
	}
	headers := [][2]string{{"Content-Type", ContentTypeOf(r.Name)}, {"Last-Modified", modified}}
	return 200, headers, data, say("srv.files.served", raw, cleaned, r.Name, len(data))
}

// sideBySide is the body of a refusal or a 404: the target as it came,
// decoded and cleaned, one under the other. The target came from the
// network, so it is escaped.
func sideBySide(status int, r Resolved, words map[string]string) string {
	var b strings.Builder
	line := func(key string, args ...any) { b.WriteString(say(key, args...).Say(words) + "\n") }
	if status == 403 {
		line("srv.files.body.403")
	} else {
		line("srv.files.body.404")
	}
	b.WriteString("\n")
	line("srv.files.body.raw", netcore.Escape([]byte(r.Raw)))
	line("srv.files.body.decoded", netcore.Escape([]byte(r.Decoded)))
	line("srv.files.body.cleaned", netcore.Escape([]byte(r.Cleaned)))
	if r.Refused != "" {
		line("srv.files.body.refused", r.refusal())
	}
	return b.String()
}
