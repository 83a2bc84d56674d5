package netcore

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"
)

// TranscriptLine formats e as one line of the plain transcript, e.g.
//
//	12:00:01.236 #3 recv 78 B "GET / HTTP/1.1\r\nHost: localhost:3000\r\n"
//
// Server events carry no prefix; client and tap events are marked.
func TranscriptLine(e Event) string {
	var b strings.Builder
	b.WriteString(e.Time.Format("15:04:05.000"))
	b.WriteByte(' ')
	if e.Source != FromServer {
		b.WriteString(e.Source.String())
		b.WriteByte(' ')
	}
	if e.Conn != 0 {
		fmt.Fprintf(&b, "#%d ", e.Conn)
	}
	b.WriteString(Describe(e))
	return b.String()
}

// Describe is the event without time or connection id.
func Describe(e Event) string {
	switch e.Kind {
	case Listening:
		return fmt.Sprintf("listening on %s (%s)", addr(e.Local), Escape([]byte(e.Text)))
	case Accepted:
		return "accepted " + addr(e.Remote)
	case Connected:
		return fmt.Sprintf("connected %s → %s", addr(e.Local), addr(e.Remote))
	case Recv, Sent:
		s := fmt.Sprintf("%s %d B \"%s\"", e.Kind, e.Count, Escape(e.Data))
		if e.Truncated() {
			s += "…"
		}
		return s
	case Closed:
		return fmt.Sprintf("closed %s after %s (%d B in, %d B out)", CloseWording(e), ShortDuration(e.Duration), e.In, e.Out)
	case Refused:
		if e.Remote != nil {
			return fmt.Sprintf("refused %s: %s", addr(e.Remote), Escape([]byte(e.Text)))
		}
		return "refused: " + Escape([]byte(e.Text))
	case Error:
		return "error: " + Escape([]byte(e.Text))
	case StepChanged:
		return fmt.Sprintf("step changed to %s step %d", Escape([]byte(e.Text)), e.Step+1)
	}
	return "note: " + Escape([]byte(e.Text))
}

// CloseWording says who closed the connection, from e's side.
func CloseWording(e Event) string {
	self, peer := "server", "client"
	if e.Source == FromClient {
		self, peer = "client", "server"
	}
	switch e.Reason {
	case ByPeer:
		return "by " + peer
	case ByIdle:
		return fmt.Sprintf("by %s (idle %s)", self, ShortDuration(e.Idle))
	case ByHeaderTimeout:
		return fmt.Sprintf("by %s (header timeout %s)", self, ShortDuration(e.Idle))
	case ByReset:
		return "by " + peer + " (reset)"
	case ByAbort:
		return "by " + self + " (reset)"
	case ByShutdown:
		return "by " + self + " (shutting down)"
	case ByError:
		return "(error)"
	}
	return "by " + self
}

// ShortDuration rounds d so it reads well: 312µs, 4ms, 3.001s.
func ShortDuration(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// addr shows an address. A socket's own addresses are plain already; an
// address could come from elsewhere (a recording, a tap target), so it is
// escaped like any other untrusted text.
func addr(a net.Addr) string {
	if a == nil {
		return "-"
	}
	return Escape([]byte(a.String()))
}

// jsonEvent is the shape of one --json line. Data is escaped like the
// transcript so the line stays plain text and reversible.
type jsonEvent struct {
	Time      string `json:"time"`
	Source    string `json:"source"`
	Conn      uint64 `json:"conn,omitempty"`
	Kind      string `json:"kind"`
	Local     string `json:"local,omitempty"`
	Remote    string `json:"remote,omitempty"`
	Bytes     int    `json:"bytes,omitempty"`
	Offset    int64  `json:"offset,omitempty"`
	Data      string `json:"data,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
	ClosedBy  string `json:"closed_by,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Millis    int64  `json:"duration_ms,omitempty"`
	Micros    int64  `json:"duration_us,omitempty"`
	IdleMs    int64  `json:"idle_ms,omitempty"`
	In        int64  `json:"in,omitempty"`
	Out       int64  `json:"out,omitempty"`
	Text      string `json:"text,omitempty"`
	Lesson    string `json:"lesson,omitempty"`
	Step      int    `json:"step,omitempty"`
}

// JSONLine formats e as one JSON object without a trailing newline.
func JSONLine(e Event) string {
	j := jsonEvent{Time: e.Time.Format(time.RFC3339Nano), Source: e.Source.String(), Conn: e.Conn, Kind: e.Kind.String(),
		Bytes: e.Count, Offset: e.Offset, Text: Escape([]byte(e.Text))}
	if e.Local != nil {
		j.Local = addr(e.Local)
	}
	if e.Remote != nil {
		j.Remote = addr(e.Remote)
	}
	if e.Kind == Recv || e.Kind == Sent {
		j.Data = Escape(e.Data)
		j.Truncated = e.Truncated()
	}
	if e.Kind == Closed {
		j.ClosedBy = CloseWording(e)
		j.Reason = e.Reason.String()
		j.Millis = e.Duration.Milliseconds()
		j.Micros = e.Duration.Microseconds()
		j.IdleMs = e.Idle.Milliseconds()
		j.In, j.Out = e.In, e.Out
	}
	if e.Kind == StepChanged {
		j.Text, j.Lesson, j.Step = "", Escape([]byte(e.Text)), e.Step
	}
	out, _ := json.Marshal(j)
	return string(out)
}
