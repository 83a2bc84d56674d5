package behaviors

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// CompressBody is the text the compression lesson serves: 32 lines that
// repeat themselves a lot, as real text (HTML, JSON, logs) does.
var CompressBody = func() []byte {
	var b strings.Builder
	for i := 1; i <= 32; i++ {
		fmt.Fprintf(&b, "Line %02d of 32: text repeats itself, and gzip sends each repeat as a short pointer back.\n", i)
	}
	return []byte(b.String())
}()

// Gzipped is CompressBody compressed with gzip, made once.
var Gzipped = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = w.Write(CompressBody)
	_ = w.Close()
	return b.Bytes()
})

// PickEncoding chooses gzip or identity from an Accept-Encoding value
// (present says the header was there at all). Each entry is a coding with
// an optional weight, like "gzip;q=0.8"; q=0 means "not this one". A
// coding without an entry of its own takes the weight of "*"; without
// that, gzip is not acceptable. gzip is sent when it is acceptable and
// weighs no less than identity does when the list weighs identity at all
// (by name or by "*"): it is smaller. Without the header the server does
// not compress.
func PickEncoding(value string, present bool) string {
	if !present {
		return "identity"
	}
	weights := map[string]float64{}
	for _, entry := range strings.Split(value, ",") {
		name, params, _ := strings.Cut(entry, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q, ok := weight(params)
		if !ok {
			continue // a weight we cannot read: ignore the entry, as if it were not there
		}
		if name == "x-gzip" {
			name = "gzip"
		}
		if _, seen := weights[name]; !seen {
			weights[name] = q
		}
	}
	of := func(name string, otherwise float64) float64 {
		if q, ok := weights[name]; ok {
			return q
		}
		if q, ok := weights["*"]; ok {
			return q
		}
		return otherwise
	}
	if g := of("gzip", 0); g > 0 && g >= of("identity", 0) {
		return "gzip"
	}
	return "identity"
}

// weight reads the q parameter of an entry's parameters (";q=0.5"): 1
// when there is none; not ok when it is not a number from 0 to 1.
func weight(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}

// Compress answers every GET with CompressBody: gzip-compressed when the
// request's Accept-Encoding allows it, as it is otherwise. Either way it
// says Vary: Accept-Encoding, so a cache keeps the two apart.
type Compress struct{ Idle time.Duration }

func (Compress) Name() string { return "compression" }

func (b Compress) Serve(c *netcore.Conn) {
	c.SetIdle(b.Idle)
	var buf []byte
	req, err := readRequest(c, &buf)
	if err != nil {
		refuse(c, err)
		return
	}
	if req.Method != "GET" && req.Method != "HEAD" {
		body := fmt.Sprintf("405: this server answers GET and HEAD, not %s\n", req.Method)
		_ = respond(c, 405, append([][2]string{{"Allow", "GET, HEAD"}}, plainText...), []byte(body), len(body), true)
		finish(c)
		return
	}
	ae, present := req.Get("Accept-Encoding")
	enc := PickEncoding(ae, present)
	headers := append([][2]string{}, plainText...)
	headers = append(headers, [2]string{"Vary", "Accept-Encoding"})
	body := CompressBody
	offered := say("srv.gzip.none")
	if present {
		offered = say("srv.gzip.offered", netcore.Escape([]byte(ae)))
	}
	if enc == "gzip" {
		body = Gzipped()
		headers = append(headers, [2]string{"Content-Encoding", "gzip"})
		c.Say(say("srv.gzip.yes", offered, len(CompressBody), len(body)))
	} else {
		c.Say(say("srv.gzip.no", offered, len(body)))
	}
	length := len(body)
	if req.Method == "HEAD" {
		body = nil
	}
	_ = respond(c, 200, headers, body, length, true)
	finish(c)
}
