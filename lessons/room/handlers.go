package room

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html"
	"html/template"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

//go:embed web
var web embed.FS

var page = template.Must(template.ParseFS(web, "web/page.html"))

// pageData is what the page template gets.
type pageData struct {
	Lang    string
	T       map[string]string
	Step    stepView
	IP      string
	Name    string
	Problem string
	NameMax int
}

// Handler serves the room: the page, its stylesheet and script, the live
// stream and the name form.
func (r *Room) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", r.servePage)
	mux.HandleFunc("/events", r.serveEvents)
	mux.HandleFunc("/name", r.serveName)
	mux.HandleFunc("/room.css", serveFile("web/room.css", "text/css; charset=utf-8"))
	mux.HandleFunc("/room.js", serveFile("web/room.js", "text/javascript; charset=utf-8"))
	return mux
}

// guard sets what every answer carries: nothing loads from elsewhere,
// nothing is framed, nothing is sniffed.
func guard(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func serveFile(name, ctype string) http.HandlerFunc {
	body, err := web.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: missing means a broken build
	}
	return func(w http.ResponseWriter, req *http.Request) {
		if !allow(w, req, http.MethodGet, http.MethodHead) {
			return
		}
		guard(w)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}
}

// allow answers 405 unless the method is one of methods.
func allow(w http.ResponseWriter, req *http.Request, methods ...string) bool {
	for _, m := range methods {
		if req.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// roomHost is the address this visitor reached the room at: the machine's
// own address on the visitor's network, so it is one they can reach the
// lesson server at too. The Host header is the visitor's to choose, so it
// is not used.
func roomHost(req *http.Request) string {
	if a, ok := req.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ip := ipOf(a); ip.IsValid() && !ip.IsUnspecified() {
			return ip.String()
		}
	}
	return "localhost"
}

func (r *Room) servePage(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != "/" {
		http.NotFound(w, req)
		return
	}
	if !allow(w, req, http.MethodGet, http.MethodHead) {
		return
	}
	r.writePage(w, req, http.StatusOK, "")
}

func (r *Room) writePage(w http.ResponseWriter, req *http.Request, status int, problem string) {
	ip := ipOfString(req.RemoteAddr)
	d := pageData{Lang: r.cfg.Lang, T: r.ui, Step: r.view(roomHost(req)), IP: ip.String(), Name: r.names.get(ip), Problem: problem, NameMax: MaxNameRunes}
	if d.Lang == "" {
		d.Lang = "en"
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	guard(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// serveName takes the name form. A good name sends the browser back to the
// page (303); a bad one gets the page again with the reason (400).
func (r *Room) serveName(w http.ResponseWriter, req *http.Request) {
	if !allow(w, req, http.MethodPost) {
		return
	}
	if o := req.Header.Get("Origin"); o != "" && o != "http://"+req.Host {
		http.Error(w, r.ui["room.name.elsewhere"], http.StatusForbidden)
		return
	}
	if ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		http.Error(w, r.ui["room.name.form"], http.StatusUnsupportedMediaType)
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, maxFormBytes)
	if err := req.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			r.writePage(w, req, http.StatusRequestEntityTooLarge, r.reason(nameTooLong))
			return
		}
		r.writePage(w, req, http.StatusBadRequest, r.ui["room.name.form"])
		return
	}
	name, problem := checkName(req.PostForm.Get("name"))
	if problem != nameOK {
		r.writePage(w, req, http.StatusBadRequest, r.reason(problem))
		return
	}
	if !r.names.set(ipOfString(req.RemoteAddr), name) {
		r.writePage(w, req, http.StatusServiceUnavailable, r.ui["room.name.full"])
		return
	}
	http.Redirect(w, req, "/", http.StatusSeeOther)
}

// reason is the sentence that says what is wrong with a name.
func (r *Room) reason(p nameProblem) string {
	if p == nameTooLong {
		return fmt.Sprintf(r.ui[string(p)], MaxNameRunes)
	}
	return r.ui[string(p)]
}

// serveEvents is the visitor's live stream (server-sent events): their own
// traffic to the lesson server, and the step when it changes.
func (r *Room) serveEvents(w http.ResponseWriter, req *http.Request) {
	if !allow(w, req, http.MethodGet) {
		return
	}
	s, ok := r.join(ipOfString(req.RemoteAddr))
	if !ok {
		w.Header().Set("Retry-After", "10")
		http.Error(w, r.ui["room.busy"], http.StatusServiceUnavailable)
		return
	}
	defer r.leave(s)
	guard(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	send := func(b []byte) bool {
		// A reader that stops reading is dropped after writeTimeout;
		// meanwhile only its own queue fills.
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	host := roomHost(req)
	buf := []byte("retry: 5000\n\n")
	if buf = r.appendStep(buf, host); !send(buf) {
		return
	}
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	budget := max(1, int(int64(r.cfg.EventsPerSecond)*int64(flushEvery)/int64(time.Second)))
	var shown [3]int64 // totals last sent: conns, in, out
	quiet := time.Now()
	for {
		select {
		case <-req.Context().Done():
			return
		case <-r.closing:
			return
		case <-s.step:
			if !send(r.appendStep(buf[:0], host)) {
				return
			}
			quiet = time.Now()
		case <-tick.C:
			buf = r.appendTraffic(buf[:0], s, budget, &shown)
			if len(buf) == 0 && time.Since(quiet) >= keepAliveEvery {
				buf = append(buf, ":\n\n"...) // a comment: keeps proxies and the deadline honest
			}
			if len(buf) > 0 {
				if !send(buf) {
					return
				}
				quiet = time.Now()
			}
		}
	}
}

// appendTraffic adds up to budget of the stream's queued events, a
// "skipped" line for the rest, and the totals when they moved.
func (r *Room) appendTraffic(buf []byte, s *stream, budget int, shown *[3]int64) []byte {
	n := 0
	for ; n < budget && len(s.queue) > 0; n++ {
		// Only this goroutine takes from the queue, so this never waits.
		e := <-s.queue
		buf = appendEvent(buf, "traffic", html.EscapeString(netcore.TranscriptLine(e)))
	}
	skipped := s.dropped.Swap(0)
	if n == budget {
		// Over the rate: what still waits is skipped, not delayed.
		for left := len(s.queue); left > 0; left-- {
			<-s.queue
			skipped++
		}
	}
	if skipped > 0 {
		buf = appendEvent(buf, "skipped", html.EscapeString(fmt.Sprintf(r.ui["room.skipped"], skipped)))
	}
	now := [3]int64{s.conns.Load(), s.in.Load(), s.out.Load()}
	if now != *shown {
		*shown = now
		buf = appendEvent(buf, "totals", html.EscapeString(fmt.Sprintf(r.ui["room.totals"], now[0], now[1], now[2])))
	}
	return buf
}

func (r *Room) appendStep(buf []byte, host string) []byte {
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "step", r.view(host)); err != nil {
		return buf
	}
	return appendEvent(buf, "step", b.String())
}

// appendEvent frames one server-sent event; each line of data gets its own
// "data:" field, as the format requires.
func appendEvent(buf []byte, name, data string) []byte {
	buf = append(buf, "event: "...)
	buf = append(buf, name...)
	buf = append(buf, '\n')
	data = strings.ReplaceAll(data, "\r", "")
	for line := range strings.SplitSeq(data, "\n") {
		buf = append(buf, "data: "...)
		buf = append(buf, line...)
		buf = append(buf, '\n')
	}
	return append(buf, '\n')
}
