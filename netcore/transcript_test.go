package netcore

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

func at(ms int) time.Time { return time.Date(2025, 3, 1, 12, 0, 1, ms*int(time.Millisecond), time.UTC) }

var (
	learner = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53412}
	tubes   = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000}
)

func TestTranscriptLine(t *testing.T) {
	get := []byte("GET / HTTP/1.1\r\n")
	cases := []struct {
		name string
		e    Event
		want string
	}{
		{"listening", Event{Time: at(0), Kind: Listening, Local: tubes, Text: "ping-pong"},
			`12:00:01.000 listening on 127.0.0.1:3000 (ping-pong)`},
		{"accepted", Event{Time: at(234), Conn: 3, Kind: Accepted, Local: tubes, Remote: learner},
			`12:00:01.234 #3 accepted 127.0.0.1:53412`},
		{"recv truncated", Event{Time: at(236), Conn: 3, Kind: Recv, Data: get, Count: 78},
			`12:00:01.236 #3 recv 78 B "GET / HTTP/1.1\r\n"…`},
		{"recv whole", Event{Time: at(236), Conn: 3, Kind: Recv, Data: get, Count: len(get)},
			`12:00:01.236 #3 recv 16 B "GET / HTTP/1.1\r\n"`},
		{"sent emoji", Event{Time: at(237), Conn: 3, Kind: Sent, Data: pongReply, Count: 18},
			`12:00:01.237 #3 sent 18 B "Hello client! 🎉"`},
		{"closed by server", Event{Time: at(238), Conn: 3, Kind: Closed, Reason: BySelf, Duration: 4 * time.Millisecond, In: 78, Out: 84},
			`12:00:01.238 #3 closed by server after 4ms (78 B in, 84 B out)`},
		{"closed by client", Event{Time: at(238), Conn: 3, Kind: Closed, Reason: ByPeer, Duration: 312 * time.Microsecond},
			`12:00:01.238 #3 closed by client after 312µs (0 B in, 0 B out)`},
		{"closed idle", Event{Time: at(500), Conn: 4, Kind: Closed, Reason: ByIdle, Idle: 200 * time.Millisecond, Duration: 3001 * time.Millisecond, In: 5},
			`12:00:01.500 #4 closed by server (idle 200ms) after 3.001s (5 B in, 0 B out)`},
		{"closed shutdown", Event{Time: at(1), Conn: 5, Kind: Closed, Reason: ByShutdown, Duration: time.Second},
			`12:00:01.001 #5 closed by server (shutting down) after 1s (0 B in, 0 B out)`},
		{"refused by limit", Event{Time: at(2), Conn: 9, Kind: Refused, Remote: learner, Reason: ByLimit, Text: "connection limit (2 open)"},
			`12:00:01.002 #9 refused 127.0.0.1:53412: connection limit (2 open)`},
		{"client connected", Event{Time: at(234), Conn: 1, Source: FromClient, Kind: Connected, Local: learner, Remote: tubes},
			`12:00:01.234 client #1 connected 127.0.0.1:53412 → 127.0.0.1:3000`},
		{"client closed by server", Event{Time: at(240), Conn: 1, Source: FromClient, Kind: Closed, Reason: ByPeer, Duration: 6 * time.Millisecond, In: 84, Out: 78},
			`12:00:01.240 client #1 closed by server after 6ms (84 B in, 78 B out)`},
		{"client reset", Event{Time: at(240), Conn: 1, Source: FromClient, Kind: Closed, Reason: ByReset, Duration: time.Millisecond},
			`12:00:01.240 client #1 closed by server (reset) after 1ms (0 B in, 0 B out)`},
		{"client refused", Event{Time: at(3), Conn: 2, Source: FromClient, Kind: Refused, Text: "connection refused"},
			`12:00:01.003 client #2 refused: connection refused`},
		{"tap note", Event{Time: at(4), Source: FromTap, Kind: Note, Text: "upstream up"},
			`12:00:01.004 tap note: upstream up`},
		{"error", Event{Time: at(5), Conn: 7, Kind: Error, Reason: ByError, Text: "behavior x panicked: boom"},
			`12:00:01.005 #7 error: behavior x panicked: boom`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := TranscriptLine(tc.e); got != tc.want {
				t.Fatalf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// hostileEvents put attacker bytes everywhere an event carries text.
func hostileEvents() []Event {
	var out []Event
	for i, tc := range hostileCorpus {
		b := []byte(tc.in)
		for _, k := range []Kind{Recv, Sent, Error, Note, Refused, Listening} {
			out = append(out, Event{Time: at(i), Conn: uint64(i + 1), Kind: k, Remote: learner, Data: b, Count: len(b) + i%2, Text: tc.in})
		}
	}
	return out
}

func TestTranscriptLineNeverCarriesControlBytes(t *testing.T) {
	for _, e := range hostileEvents() {
		checkTerminalSafe(t, TranscriptLine(e))
	}
}

func TestJSONLineRoundTrips(t *testing.T) {
	for _, e := range hostileEvents() {
		line := JSONLine(e)
		checkTerminalSafe(t, line)
		var j map[string]any
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("JSONLine is not JSON: %v\n%s", err, line)
		}
		if j["kind"] != e.Kind.String() || j["source"] != "server" {
			t.Fatalf("kind/source wrong in %s", line)
		}
		if e.Kind == Recv || e.Kind == Sent {
			data, _ := j["data"].(string)
			back, err := Unescape(data)
			if err != nil || string(back) != string(e.Data) {
				t.Fatalf("data %q unescapes to %q (%v), want %q", data, back, err, e.Data)
			}
			if trunc, _ := j["truncated"].(bool); trunc != e.Truncated() {
				t.Fatalf("truncated %v, want %v in %s", trunc, e.Truncated(), line)
			}
		}
		text, _ := j["text"].(string)
		if back, err := Unescape(text); err != nil || string(back) != e.Text {
			t.Fatalf("text %q unescapes to %q (%v), want %q", text, back, err, e.Text)
		}
	}
}

func TestJSONLineClosed(t *testing.T) {
	e := Event{Time: at(238), Conn: 3, Kind: Closed, Local: tubes, Remote: learner, Reason: BySelf,
		Duration: 4 * time.Millisecond, In: 78, Out: 84}
	line := JSONLine(e)
	if strings.Contains(line, "\n") {
		t.Fatalf("JSONLine has a newline: %q", line)
	}
	var j struct {
		Time     string `json:"time"`
		Conn     uint64 `json:"conn"`
		ClosedBy string `json:"closed_by"`
		Reason   string `json:"reason"`
		Millis   int64  `json:"duration_ms"`
		In       int64  `json:"in"`
		Out      int64  `json:"out"`
		Remote   string `json:"remote"`
	}
	if err := json.Unmarshal([]byte(line), &j); err != nil {
		t.Fatal(err)
	}
	want := "2025-03-01T12:00:01.238Z"
	if j.Time != want || j.Conn != 3 || j.ClosedBy != "by server" || j.Reason != "self" || j.Millis != 4 ||
		j.In != 78 || j.Out != 84 || j.Remote != "127.0.0.1:53412" {
		t.Fatalf("decoded %+v from %s", j, line)
	}
}

func TestNamesCoverEveryValue(t *testing.T) {
	for k := Listening; k <= Note; k++ {
		if s := k.String(); s == "" || s == "unknown" {
			t.Errorf("Kind %d has no name", k)
		}
	}
	for r := ByPeer; r <= ByError; r++ {
		if s := r.String(); s == "" || s == "unknown" {
			t.Errorf("CloseReason %d has no name", r)
		}
	}
	if Kind(200).String() != "unknown" || CloseReason(200).String() != "unknown" {
		t.Error("out-of-range values must read as unknown")
	}
}
