package netcore

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"time"
)

// A recording is untrusted input: anyone can hand one over. Every field is
// checked here on the way in (addresses must be real IP:port addresses,
// names must be ours, counts must add up), and everything shown later
// still goes through Escape.

// MaxRecordingLine bounds one line of a recording, and so the memory a
// reader needs: a line holds one event with at most the capture cap of
// escaped bytes.
const MaxRecordingLine = 4 << 20

// MaxReplayEvents bounds what ReadRecording loads into memory.
const MaxReplayEvents = 1_000_000

// RecordingReader yields the events of a recording one at a time, so a
// replay starts at once and holds one line in memory, whatever the size.
type RecordingReader struct {
	sc     *bufio.Scanner
	line   int
	events int
}

// NewRecordingReader reads a recording from r.
func NewRecordingReader(r io.Reader) *RecordingReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxRecordingLine)
	return &RecordingReader{sc: sc}
}

// Next returns the next event, io.EOF after the last, or an error naming
// the line that is not an event of ours. A recording with no events at
// all is an error, not an empty replay.
func (r *RecordingReader) Next() (Event, error) {
	for r.sc.Scan() {
		r.line++
		line := r.sc.Bytes()
		if len(line) == 0 {
			continue
		}
		e, err := decodeEvent(line)
		if err != nil {
			return Event{}, &PhraseError{Phrase{"srv.rec.line", []any{r.line, err}}, err}
		}
		if e.Kind == Note && e.Text == "" {
			continue // the transcript's "folded" summaries
		}
		r.events++
		return e, nil
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Event{}, &PhraseError{Phrase{"srv.rec.long", []any{r.line + 1, FormatSize(MaxRecordingLine)}}, err}
		}
		return Event{}, err
	}
	if r.events == 0 {
		return Event{}, &PhraseError{Phrase{Key: "srv.rec.empty"}, nil}
	}
	return Event{}, io.EOF
}

// Recording is a recording file open for replay.
type Recording struct {
	f     *os.File
	r     *RecordingReader
	first *Event // read by OpenRecording, handed out by the first Next
}

// OpenRecording opens a recording for streaming. It refuses, with a
// one-line error, what is not a regular file (so a FIFO or a device cannot
// hang or flood it) and a file whose first event does not parse, so a bad
// recording is refused before a screen opens.
func OpenRecording(path string) (*Recording, error) {
	f, err := OpenRegular(path)
	if errors.Is(err, ErrNotRegular) {
		return nil, err // it names the path and says what is there
	}
	if err != nil {
		return nil, &PhraseError{Phrase{"srv.rec.open", []any{Escape([]byte(path)), ReasonPhrase(err)}}, err}
	}
	rec := &Recording{f: f, r: NewRecordingReader(f)}
	first, err := rec.r.Next()
	if err != nil {
		f.Close()
		return nil, &PhraseError{Phrase{"srv.rec.not", []any{Escape([]byte(path)), err}}, err}
	}
	rec.first = &first
	return rec, nil
}

// Next returns the next event, or io.EOF after the last.
func (r *Recording) Next() (Event, error) {
	if e := r.first; e != nil {
		r.first = nil
		return *e, nil
	}
	return r.r.Next()
}

// Close closes the file.
func (r *Recording) Close() error { return r.f.Close() }

// ReadRecording parses a whole recording into memory, at most
// MaxReplayEvents events. A replay streams with OpenRecording instead.
func ReadRecording(r io.Reader) ([]Event, error) {
	var out []Event
	rr := NewRecordingReader(r)
	for {
		e, err := rr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(out) == MaxReplayEvents {
			return nil, &PhraseError{Phrase{"srv.rec.many", []any{MaxReplayEvents}}, nil}
		}
		out = append(out, e)
	}
}

func decodeEvent(line []byte) (Event, error) {
	var j jsonEvent
	if err := json.Unmarshal(line, &j); err != nil {
		return Event{}, recErr("srv.rec.json")
	}
	if j.Kind == "folded" {
		return Event{Kind: Note}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, j.Time)
	if err != nil {
		return Event{}, recErr("srv.rec.time", quoteShort(j.Time))
	}
	if j.Bytes < 0 || j.Offset < 0 || j.Millis < 0 || j.Micros < 0 || j.IdleMs < 0 || j.In < 0 || j.Out < 0 || j.Step < 0 {
		return Event{}, recErr("srv.rec.negative")
	}
	e := Event{Time: t, Conn: j.Conn, Count: j.Bytes, Offset: j.Offset,
		Duration: time.Duration(max(j.Millis*1000, j.Micros)) * time.Microsecond, Idle: time.Duration(j.IdleMs) * time.Millisecond, In: j.In, Out: j.Out}
	if j.Source == "proxy" {
		j.Source = "tap" // recordings made before the tap had one name
	}
	if e.Source, err = lookup[Source](j.Source, []string{"server", "client", "tap"}); err != nil {
		return Event{}, err
	}
	if e.Kind, err = lookup[Kind](j.Kind, kindNames[:]); err != nil {
		return Event{}, err
	}
	if j.Reason != "" {
		if e.Reason, err = lookup[CloseReason](j.Reason, reasonNames[:]); err != nil {
			return Event{}, err
		}
	}
	if e.Local, err = recordedAddr(j.Local); err != nil {
		return Event{}, recErr("srv.rec.local", err)
	}
	if e.Remote, err = recordedAddr(j.Remote); err != nil {
		return Event{}, recErr("srv.rec.remote", err)
	}
	// Data and Text were escaped when written; they come back as bytes.
	if e.Data, err = Unescape(j.Data); err != nil {
		return Event{}, recErr("srv.rec.data", err)
	}
	text, err := Unescape(j.Text)
	if err != nil {
		return Event{}, recErr("srv.rec.text", err)
	}
	e.Text = string(text)
	if len(e.Data) > e.Count {
		return Event{}, recErr("srv.rec.count")
	}
	if e.Kind == StepChanged {
		if !plainName(j.Lesson) {
			return Event{}, recErr("srv.rec.lesson", quoteShort(j.Lesson))
		}
		e.Text, e.Step = j.Lesson, j.Step
	}
	return e, nil
}

// recordedAddr accepts only what a socket reports: an IP address and a
// port, an IPv6 zone made of plain name characters.
func recordedAddr(s string) (net.Addr, error) {
	if s == "" {
		return nil, nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil || !plainName(ap.Addr().Zone()) && ap.Addr().Zone() != "" {
		return nil, recErr("srv.rec.addr", quoteShort(s))
	}
	return net.TCPAddrFromAddrPort(ap), nil
}

// plainName reports whether s is a short run of letters, digits, '.', '_'
// and '-': lesson ids and interface names.
func plainName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func lookup[T ~uint8](name string, names []string) (T, error) {
	for i, n := range names {
		if n == name && n != "" {
			return T(i), nil
		}
	}
	return 0, recErr("srv.rec.unknown", quoteShort(name))
}

// recErr is why a line is not an event of ours, in words by key
// (srv.rec.*); an error among args is said in the same words.
func recErr(key string, args ...any) error {
	return &PhraseError{Phrase{key, args}, nil}
}
