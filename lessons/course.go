package lessons

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// Binding is the Go half of a step: the server it runs, what enter does,
// and when it is done. The words live in assets/lessons.
type Binding struct {
	Behavior netcore.Behavior
	Action   Action
	Goal     Goal
}

// Step is a step's words and its binding together.
type Step struct {
	StepText
	Binding
	// Demo marks the teacher's own demonstration (see demos): only the
	// app's client completes it, and the board does not count the room.
	Demo bool
}

// Lesson is one lesson of the course in one language.
type Lesson struct {
	ID    string
	Title string
	Intro string
	Steps []Step
}

// Course is every lesson, in order, in one language.
type Course struct {
	Lang    string
	Lessons []Lesson
}

// Durations the lessons' texts name; a test checks the texts agree.
const (
	second = time.Second
	minute = time.Minute
)

var (
	hello    = behaviors.HelloBody
	annyeong = "안녕, 세상!" // 7 characters, 15 bytes
	fox      = "The quick brown fox jumps over the lazy dog, then naps a while.\n"
	none     = Action{}
	// what LineEcho answers to the three lines of byte-stream step 3
	threeAnswers = "line 1: first line\nline 2: second line\nline 3: third line\n"
)

// bindings is the course's registry: each lesson's id, its probe set for
// `tubes check`, and its steps in order. Load appends the Your-turn step
// (yourturn.go) to each. A lesson's text must have exactly one step more
// than it has bindings here. Adding a lesson is one entry here
// plus its text in assets/lessons.
var bindings = []struct {
	id     string
	probes probe.Set
	steps  []Binding
}{
	{"tcp-accept", probe.TCPAccept, []Binding{
		{behaviors.AcceptOnly{Idle: 10 * second}, Connect, ServerAccepts()},
		{behaviors.AcceptOnly{Idle: 2 * minute}, none, ExternalSends()},
		{behaviors.AcceptOnly{Idle: 3 * second}, none, HTTPRequestThenClose()},
	}},
	{"client", probe.Client, []Binding{
		{behaviors.AcceptOnly{Idle: 60 * second}, Connect, ClientConnects()},
		{behaviors.AcceptOnly{Idle: 60 * second}, HangUpSoon, Closes(1, netcore.ByPeer)},
		{behaviors.HangUp{After: 2 * second}, Connect, ServerCloses()},
		{behaviors.AcceptOnly{Idle: 60 * second}, ResetSoon, Closes(1, netcore.ByReset)},
	}},
	{"ping-pong", probe.PingPong, []Binding{
		{behaviors.PingPong{Idle: 60 * second}, SendHello, ClientReceives(behaviors.PongReply)},
		{behaviors.PingPong{Idle: 60 * second}, none, ExternalGetsReply()},
		{behaviors.PingPong{Idle: 60 * second}, SendHello, ClientSendsOwnMessage()},
	}},
	{"byte-stream", probe.ByteStream, []Binding{
		{behaviors.ReadLater{Delay: 300 * time.Millisecond, Idle: 60 * second}, Writes(0, len("read 15 bytes\n"), "Hello, ", "stream!\n"), ServerReadHolds([]byte("Hello, stream!\n"))},
		{behaviors.SmallReads{Buf: 8, Idle: 60 * second}, Writes(0, 0, fox), ManyReads(4)},
		{behaviors.LineEcho{Idle: 60 * second}, Writes(300*time.Millisecond, len(threeAnswers), "first li", "ne\nsecond line\nthi", "rd line\n"), ServerSends([]byte("line 3: "))},
	}},
	{"closing", probe.Closing, []Binding{
		{behaviors.CountAtEOF{Idle: 60 * second}, HalfClose, AnsweredAfterEOF()},
		{behaviors.CloseFirst{Idle: 60 * second}, Say("hello\n"), StateSeen("TIME_WAIT", netcore.BySelf)},
		{behaviors.CloseUnread{Idle: 10 * second}, GetDespiteReset, ResetAfterAnswer()},
		{behaviors.ForgetsClose{Hold: 20 * second}, SendThenHangUp, StateSeen("CLOSE_WAIT", netcore.ByPeer)},
	}},
	{"http-response", probe.HTTPResponse, []Binding{
		{behaviors.HTTPHello{Idle: 10 * second}, Get("/"), ClientReceivesPrefix([]byte("HTTP/1.1 200 OK\r\n"))},
		{behaviors.HTTPHello{Idle: 10 * second}, none, UserAgentGetsReply("curl/")},
		{behaviors.HTTPHello{Idle: 10 * second}, none, UserAgentGetsReply("Mozilla/")},
	}},
	{"content-length", probe.ContentLength, []Binding{
		{behaviors.HTTPText{Body: annyeong, Length: -1, Idle: 10 * second}, Get("/"), Answered(AnyRequest, "HTTP/1.1 200")},
		{behaviors.HTTPText{Body: hello, Length: 13, Idle: 10 * second}, none, UserAgentGetsReply("curl/")},
		{behaviors.HTTPText{Body: hello, Length: 30, KeepOpen: true, Idle: 5 * second}, none, AnsweredThenClosed(UserAgent("curl/"), netcore.ByIdle, netcore.BySelf)},
		// the seed article's own response: 13 counts 안녕, 세 and two of 상's three bytes, and no charset
		{behaviors.HTTPText{Body: annyeong, Length: 13, ContentType: "text/plain", Idle: 10 * second}, none, UserAgentGetsReply("curl/")},
	}},
	{"http-request", probe.HTTPRequest, []Binding{
		{behaviors.HTTPEcho{Idle: 10 * second}, Get("/"), Answered(func(r *httpwire.Request, _ []byte) bool { return r.Method == "GET" }, "HTTP/1.1 200")},
		{behaviors.HTTPEcho{Idle: 10 * second}, none, Answered(UserAgent("Mozilla/"), "HTTP/1.1 200")},
		{behaviors.HTTPEcho{Idle: 10 * second}, Request("POST", "/form", "application/x-www-form-urlencoded", []byte("name=tubes&lesson=7")), Answered(WithBody, "HTTP/1.1 200")},
		{behaviors.HTTPEcho{Idle: 30 * second}, none, RefusedAndServedByHand()},
	}},
	{"routing", probe.Routing, []Binding{
		{behaviors.Router{Idle: 10 * second}, InTurn("request", Get("/"), Get("/time")),
			AllOf(Answered(Route("GET", "/"), "HTTP/1.1 200"), Answered(Route("GET", "/time"), "HTTP/1.1 200"))},
		{behaviors.Router{Idle: 10 * second}, Request("POST", "/echo", "text/plain", []byte("ping")), Answered(Route("POST", "/echo"), "HTTP/1.1 200")},
		{behaviors.Router{Idle: 10 * second}, InTurn("request", Get("/nope"), Request("DELETE", "/time", "", nil)),
			AllOf(Answered(NotFavicon, "HTTP/1.1 404"), Answered(AnyRequest, "HTTP/1.1 405"))},
	}},
	{"files", probe.Files, []Binding{
		{behaviors.Files{Idle: 10 * second}, Get("/"), AnsweredWith(Route("GET", "/"), "HTTP/1.1 200", "Content-Type: text/html")},
		{behaviors.Files{Idle: 10 * second}, Get("/tubes.png"), AnsweredWith(AnyRequest, "HTTP/1.1 200", "Content-Type: image/png")},
		{behaviors.Files{Idle: 10 * second}, Request("HEAD", "/notes.txt", "", nil), AnsweredWith(Method("HEAD"), "HTTP/1.1 200", "Last-Modified:")},
		{behaviors.Files{Idle: 10 * second}, GetWith("/notes.txt", "If-Modified-Since: "+filesModified), Answered(HasHeader("If-Modified-Since"), "HTTP/1.1 304")},
		{behaviors.Files{Idle: 10 * second}, Get("/../../etc/passwd"), Answered(ClimbsOut, "HTTP/1.1 403")},
	}},
	{"concurrency", probe.Concurrency, []Binding{
		{behaviors.SlowHello{Delay: second, OneByOne: true, Idle: 10 * second}, FiveAtOnce, FiveAnswered(0)},
		{behaviors.SlowHello{Delay: second, Idle: 10 * second}, FiveAtOnce, FiveAnswered(1500 * time.Millisecond)},
	}},
	{"keep-alive", probe.KeepAlive, []Binding{
		{behaviors.KeepAlive{Idle: 10 * second}, TwoOnOneConn, RequestsOnOneConn(2, AnyRequest)},
		{behaviors.KeepAlive{Idle: 10 * second}, none, RequestsOnOneConn(2, UserAgent("Mozilla/"))},
		{behaviors.KeepAlive{Idle: 10 * second}, Get("/"), AnsweredThenClosed(AsksToClose, netcore.BySelf, netcore.ByPeer)},
		{behaviors.KeepAlive{Idle: 5 * second, NoLength: true}, GetKeepOpen("/"), NoLengthThenClosed()},
	}},
	{"chunked", probe.Chunked, []Binding{
		{behaviors.Chunked{Pause: 300 * time.Millisecond, Idle: 10 * second}, Get("/"), ChunkedAnswered(NotFavicon)},
		{behaviors.Chunked{Pause: 300 * time.Millisecond, Idle: 10 * second}, ChunkedPost, Answered(ChunkedBody, "HTTP/1.1 200")},
		{behaviors.ChunkWrong{Body: hello, Size: 5, Idle: 10 * second}, none, UserAgentGetsReply("curl/")},
		{behaviors.ChunkWrong{Body: hello, Size: 0x20, Idle: 5 * second}, none, AnsweredThenClosed(UserAgent("curl/"), netcore.ByIdle, netcore.BySelf)},
	}},
	{"compression", probe.Compression, []Binding{
		{behaviors.Compress{Idle: 10 * second}, Get("/"), Encoded(Without("Accept-Encoding"), false)},
		{behaviors.Compress{Idle: 10 * second}, GetWith("/", "Accept-Encoding: gzip"), Encoded(AnyRequest, true)},
		{behaviors.Compress{Idle: 10 * second}, GetWith("/", "Accept-Encoding: gzip;q=0, identity"), Encoded(HasHeader("Accept-Encoding"), false)},
		{behaviors.Compress{Idle: 10 * second}, none, Encoded(UserAgent("Mozilla/"), true)},
	}},
	{"timeouts", probe.Timeouts, []Binding{
		{behaviors.AcceptOnly{Idle: 5 * second}, Connect, Closes(1, netcore.ByIdle)},
		{behaviors.Guarded{Idle: 10 * second, HeaderTimeout: 3 * second}, Trickle(700*time.Millisecond, 10*second), Closes(1, netcore.ByHeaderTimeout)},
		{behaviors.Guarded{Idle: 10 * second, HeaderTimeout: 10 * second, Limit: 3}, OpenMany(5, 3*second), ServerRefuses()},
		{behaviors.Guarded{Idle: 10 * second, HeaderTimeout: 3 * second, Limit: 20}, Slowloris(30, 500*time.Millisecond, 8*second), Closes(5, netcore.ByHeaderTimeout)},
	}},
	{"tls", probe.TLS, []Binding{
		{behaviors.TLSHello{Idle: 10 * second}, TLSGet("/"), TLSAnswered("")},
		{behaviors.TLSHello{Idle: 10 * second}, none, TLSAnswered(behaviors.SecretName)},
		{behaviors.TLSHello{Idle: 10 * second}, none, Decrypted("Mozilla/")},
	}},
	{"websocket", probe.WebSocket, []Binding{
		{wsServer, WSChat, WSUpgraded()},
		{wsServer, none, WSBrowserTalks()},
		{wsServer, WSCloseAfter(1500*time.Millisecond, 4000, "see you"), WSClosedWithCode()},
		{wsServer, WSUnmasked, WSServerCloses(behaviors.CloseProtocol)},
	}},
}

// demos are the steps whose action is the point: the app's client does
// something a student's nc or curl would not (a split write, a trickled
// header, a flood of its own, its own client's view), so the room cannot
// do the step and a student's traffic must not complete it. Step numbers
// count from 1. Steps whose text offers nc or curl as well stay the
// room's (client/2: a student's Ctrl+C is the hang-up the step is about).
var demos = map[string][]int{
	"tcp-accept":     {1},    // the app's client connects; the text says press enter
	"client":         {1, 4}, // the client's own connect; a reset nc cannot send
	"ping-pong":      {1, 3}, // the client's reply and its own message
	"byte-stream":    {1, 2}, // two writes in one read, one write in many reads
	"http-response":  {1},    // the client's view of the status line
	"content-length": {1},    // press enter, then x
	"timeouts":       {2, 3, 4},
}

// IDs are the lesson ids in course order.
func IDs() []string {
	out := make([]string, len(bindings))
	for i, b := range bindings {
		out[i] = b.id
	}
	return out
}

// Probes is the probe set of lesson id, for `tubes check`.
func Probes(id string) (probe.Set, bool) {
	for _, b := range bindings {
		if b.id == id {
			return b.probes, true
		}
	}
	return nil, false
}

// Load reads the course in lang and binds every step.
func Load(lang string) (*Course, error) {
	c := &Course{Lang: lang}
	for _, b := range bindings {
		text, err := readLessonText(lang, b.id)
		if err != nil {
			return nil, err
		}
		steps := append(slices.Clip(b.steps), yourTurn(b.steps[len(b.steps)-1]))
		if len(text.Steps) != len(steps) {
			return nil, fmt.Errorf("lesson %s (%s) has %d steps in its text but %d in the course", b.id, lang, len(text.Steps), len(steps))
		}
		l := Lesson{ID: b.id, Title: text.Title, Intro: text.Intro}
		for i, st := range text.Steps {
			if strings.Contains(st.Body, specPlaceholder) {
				st.Body = strings.ReplaceAll(st.Body, specPlaceholder, specMarkdown(b.probes, lang))
			}
			l.Steps = append(l.Steps, Step{StepText: st, Binding: steps[i], Demo: slices.Contains(demos[b.id], i+1)})
		}
		c.Lessons = append(c.Lessons, l)
	}
	return c, nil
}

// Find returns the index of the lesson with id, or -1.
func (c *Course) Find(id string) int {
	for i, l := range c.Lessons {
		if l.ID == id {
			return i
		}
	}
	return -1
}
