package probe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/tubes-course/tubes/netcore"
)

// Report is the outcome of `tubes check`: every probe's verdict.
type Report struct {
	Lesson  string
	Target  string
	Lang    string // the language of its words
	Results []Result
	// NotRun: the server never came up, so the lesson's probes did not
	// run; Results holds that one failure.
	NotRun bool
	// Next is the lesson to go on to, once every probe passed ("" for
	// none, or when something failed).
	Next string
	// Server is the program tubes started (--run), or nil.
	Server *ServerInfo
}

// ServerInfo is what the report says of a server tubes started: how it
// ended (Exit, "" while it ran) and the last lines of its output.
type ServerInfo struct {
	Command string   `json:"command"`
	Exit    string   `json:"exit,omitempty"`
	Tail    []string `json:"tail,omitempty"` // raw lines: escape to show them
}

// Pass reports whether no probe failed (a WARN passes).
func (r *Report) Pass() bool { return r.Failed() == 0 && r.count(VerdictSkip) == 0 }

// Failed counts the probes that failed.
func (r *Report) Failed() int { return r.count(VerdictFail) }

// Warned counts the probes that passed with a warning.
func (r *Report) Warned() int { return r.count(VerdictWarn) }

func (r *Report) count(v Verdict) int {
	n := 0
	for _, res := range r.Results {
		if res.Verdict() == v {
			n++
		}
	}
	return n
}

func (r *Report) t(key string) string { return word(r.Lang, key) }

// Summary is one line: how many passed, warned, failed, were not checked.
func (r *Report) Summary() string {
	if r.NotRun {
		return r.t("summary.notrun")
	}
	n, f, w, s := len(r.Results), r.Failed(), r.Warned(), r.count(VerdictSkip)
	var out string
	switch {
	case f > 0 && n == 1:
		out = r.t("summary.one.failed")
	case f > 0:
		out = fmt.Sprintf(r.t("summary.failed"), f, n)
	case n == 1:
		out = r.t("summary.one.passed")
	default:
		out = fmt.Sprintf(r.t("summary.passed"), n)
	}
	if s > 0 {
		out += fmt.Sprintf(r.t("summary.skipped"), s)
	}
	if w > 0 {
		out += fmt.Sprintf(r.t("summary.warned"), w)
	}
	return out
}

// kindKeys head a failure's reason, so each kind reads differently.
// Refusals, closes and resets say what happened in their reason already.
var kindKeys = map[Outcome]string{
	TimedOut:  "kind.timeout",
	Malformed: "kind.malformed",
	Hung:      "kind.hang",
	Wrong:     "kind.wrong",
	Overdue:   "kind.overdue",
}

// showBytes is how many bytes of a stream the text report shows; longer
// ones are shortened, around the caret if there is one.
const showBytes = 400

// labels are the heads of a result's lines, padded to one width.
type labels struct{ why, warn, seen, try, sent, received, skip string }

func (r *Report) labels() labels {
	keys := []string{"label.why", "label.warn", "label.seen", "label.try", "label.sent", "label.received", "label.skip"}
	w := 0
	for _, k := range keys {
		w = max(w, uniseg.StringWidth(r.t(k)))
	}
	pad := func(k string) string {
		return "      " + r.t(k) + strings.Repeat(" ", w+1-uniseg.StringWidth(r.t(k)))
	}
	return labels{pad(keys[0]), pad(keys[1]), pad(keys[2]), pad(keys[3]), pad(keys[4]), pad(keys[5]), pad(keys[6])}
}

// WriteText writes the report for a person at a terminal. Every byte that
// came from the network goes through netcore.Escape.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, r.t("report.head")+"\n", r.Lesson, r.Target)
	lb := r.labels()
	var prev *Result
	for i := range r.Results {
		res := &r.Results[i]
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "%s  %s\n", res.Verdict(), res.Name)
		switch res.Verdict() {
		case VerdictFail:
			head := ""
			if k, ok := kindKeys[res.Kind]; ok {
				head = r.t(k) + " "
			}
			writeWrapped(bw, lb.why, head+res.Reason)
		case VerdictWarn:
			writeWrapped(bw, lb.warn, res.Reason)
		case VerdictSkip:
			writeWrapped(bw, lb.skip, res.Reason)
			continue
		}
		if res.Note != "" {
			writeWrapped(bw, lb.seen, res.Note)
		}
		if prev != nil && sameExchange(prev, res) {
			prev = res
			if res.Caret < 0 {
				fmt.Fprintln(bw, "      "+r.t("report.same"))
				continue
			}
			r.writeBytes(bw, lb.received, res.Received, res.Total, res.Caret, r.endingWords(res))
			continue
		}
		prev = res
		if res.Command != "" {
			fmt.Fprintln(bw, lb.try+res.Command)
		}
		if res.Kind == NotListening || res.Kind == Unreachable || res.Kind == Overdue && res.Total == 0 && len(res.Sent) == 0 {
			continue // nothing was exchanged
		}
		r.writeBytes(bw, lb.sent, res.Sent, len(res.Sent), -1, "")
		r.writeBytes(bw, lb.received, res.Received, res.Total, res.Caret, r.endingWords(res))
	}
	r.writeServer(bw)
	fmt.Fprintf(bw, "\n%s\n", r.Summary())
	if r.Next != "" {
		fmt.Fprintf(bw, r.t("report.next")+"\n", r.Next)
	}
	return bw.Flush()
}

// writeServer writes, for a server tubes started (--run), how it ended and
// the last lines of its output. They are text the learner's program
// printed, so netcore.EscapeText: hostile bytes are escaped, but a
// backslash it printed (a repr's \x0d) stays one, as the TUI shows it.
func (r *Report) writeServer(w io.Writer) {
	if r.Server == nil || (r.Server.Exit == "" && r.Pass()) {
		return
	}
	fmt.Fprintln(w)
	if r.Server.Exit != "" {
		fmt.Fprintf(w, r.t("server.exited")+"\n", r.Server.Exit)
	}
	if len(r.Server.Tail) == 0 {
		if r.Server.Exit != "" {
			fmt.Fprintln(w, r.t("server.silent"))
		}
		return
	}
	fmt.Fprintln(w, r.t("server.tail"))
	for _, l := range r.Server.Tail {
		fmt.Fprintln(w, "  | "+netcore.EscapeText(l))
	}
}

func sameExchange(a, b *Result) bool {
	return a.ex != nil && a.ex == b.ex && len(a.Sent) == len(b.Sent) && len(a.Received) == len(b.Received) && a.Command == b.Command
}

func (r *Report) endingWords(res *Result) string {
	switch res.Ending {
	case "closed", "reset", "quiet", "overdue":
		return r.t("ending." + res.Ending)
	}
	return r.t("ending.open")
}

// writeWrapped writes text after head, as one line: terminals wrap it, and
// a line of its own is easy to copy.
func writeWrapped(w io.Writer, head, text string) {
	fmt.Fprintln(w, head+reportLine(text))
}

func reportLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// writeBytes writes b escaped after head, shortened around caret if long,
// and a line with a caret under the byte at caret (when caret >= 0). b is
// the kept start of total bytes.
func (r *Report) writeBytes(w io.Writer, head string, b []byte, total, caret int, ending string) {
	if len(b) == 0 && caret < 0 {
		line := head + r.t("bytes.nothing")
		if ending != "" {
			line += " (" + ending + ")"
		}
		fmt.Fprintln(w, line)
		return
	}
	from, to := byteWindow(b, caret)
	text, col := escapeWithCaret(b[from:to], caret-from)
	line := head + `"` + text + `"`
	var notes []string
	notes = append(notes, fmt.Sprintf("%d B", max(total, len(b))))
	if total > len(b) {
		notes = append(notes, fmt.Sprintf(r.t("bytes.kept"), len(b)))
	}
	if from > 0 || to < len(b) {
		notes = append(notes, fmt.Sprintf(r.t("bytes.window"), from, to))
	}
	if ending != "" {
		notes = append(notes, ending)
	}
	if from > 0 {
		line = head + `…"` + text + `"`
	}
	if to < len(b) {
		line += "…"
	}
	fmt.Fprintln(w, line+" ("+strings.Join(notes, ", ")+")")
	if caret < 0 {
		return
	}
	pad := uniseg.StringWidth(head) + 1 + col
	if from > 0 {
		pad++ // the …
	}
	where := fmt.Sprintf(r.t("bytes.at"), caret)
	if caret >= len(b) {
		where = r.t("bytes.after")
	}
	fmt.Fprintln(w, strings.Repeat(" ", pad)+"^ "+where)
}

// window picks which bytes of b to show: all of them when short, else
// showBytes around caret, on UTF-8 boundaries.
func byteWindow(b []byte, caret int) (int, int) {
	if len(b) <= showBytes {
		return 0, len(b)
	}
	from, to := 0, showBytes
	if caret > showBytes-40 {
		from = max(0, caret-showBytes/2)
		to = min(len(b), from+showBytes)
	}
	for from > 0 && from < len(b) && !utf8.RuneStart(b[from]) && caret != from {
		from++
	}
	for to < len(b) && to > from && !utf8.RuneStart(b[to]) {
		to--
	}
	return from, to
}

// escapeWithCaret escapes b and returns the terminal column, in the
// escaped text, where the byte at offset at begins (at == len(b): just
// past the end).
func escapeWithCaret(b []byte, at int) (string, int) {
	var sb strings.Builder
	col, raw := -1, 0
	netcore.EscapePieces(b, func(p netcore.Piece) {
		if col < 0 && at >= raw && at < raw+p.Raw {
			col = uniseg.StringWidth(sb.String())
			if !p.Escaped {
				// Plain pieces are the input bytes as they are; inside a
				// character, point at its start.
				k := at - raw
				for k > 0 && !utf8.RuneStart(p.Text[k]) {
					k--
				}
				col += uniseg.StringWidth(p.Text[:k])
			}
		}
		sb.WriteString(p.Text)
		raw += p.Raw
	})
	if col < 0 {
		col = uniseg.StringWidth(sb.String())
	}
	return sb.String(), col
}

// CaretColumn is the column under which the byte at offset at of b sits
// once b is escaped with netcore.Escape.
func CaretColumn(b []byte, at int) int {
	_, col := escapeWithCaret(b, at)
	return col
}

// jsonProbe is one probe in the JSON report.
type jsonProbe struct {
	ID            string  `json:"id,omitempty"`
	Name          string  `json:"name"`
	Verdict       Verdict `json:"verdict"`
	Pass          bool    `json:"pass"`
	Kind          Outcome `json:"kind"`
	Reason        string  `json:"reason"`
	Note          string  `json:"note,omitempty"`
	Command       string  `json:"command"`
	Sent          string  `json:"sent"`
	Received      string  `json:"received"`
	SentBytes     int     `json:"sent_bytes"`
	ReceivedBytes int     `json:"received_bytes"`
	Ending        string  `json:"ending,omitempty"`
	Caret         *int    `json:"caret"`
	CaretColumn   *int    `json:"caret_column,omitempty"`
	Millis        float64 `json:"ms"`
}

type jsonReport struct {
	Lesson string      `json:"lesson"`
	Target string      `json:"target"`
	Pass   bool        `json:"pass"`
	Passed int         `json:"passed"`
	Failed int         `json:"failed"`
	Warned int         `json:"warned"`
	NotRun bool        `json:"not_run,omitempty"`
	Next   string      `json:"next,omitempty"`
	Probes []jsonProbe `json:"probes"`
	Server *ServerInfo `json:"server,omitempty"`
}

// WriteJSON writes the report as one JSON object. Sent and received bytes
// are escaped strings (netcore.Escape; netcore.Unescape gives the bytes
// back), the server's lines escaped as text (netcore.EscapeText: a
// backslash it printed stays one); received_bytes counts every byte that came, also those past the
// first KeepBytes that received holds; caret is a byte offset into the received bytes, or null, and
// caret_column where it falls in the escaped string's display.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Lesson: r.Lesson, Target: r.Target, Pass: r.Pass(), Failed: r.Failed(),
		Passed: r.count(VerdictPass) + r.Warned(), Warned: r.Warned(), NotRun: r.NotRun, Next: r.Next, Server: r.Server, Probes: []jsonProbe{}}
	for _, res := range r.Results {
		jp := jsonProbe{ID: res.ID, Name: res.Name, Verdict: res.Verdict(), Pass: res.Pass, Kind: res.Kind, Reason: res.Reason, Note: res.Note,
			Command: res.Command, Sent: netcore.Escape(res.Sent), Received: netcore.Escape(res.Received),
			SentBytes: len(res.Sent), ReceivedBytes: max(res.Total, len(res.Received)), Ending: res.Ending,
			Millis: float64(res.Took.Round(10*time.Microsecond)) / float64(time.Millisecond)}
		if res.Caret >= 0 {
			caret, col := res.Caret, CaretColumn(res.Received, res.Caret)
			jp.Caret, jp.CaretColumn = &caret, &col
		}
		out.Probes = append(out.Probes, jp)
	}
	if r.Server != nil {
		// The server's lines are untrusted like the network's: escaped,
		// as text (see writeServer).
		sv := *r.Server
		sv.Tail = nil
		for _, l := range r.Server.Tail {
			sv.Tail = append(sv.Tail, netcore.EscapeText(l))
		}
		out.Server = &sv
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
