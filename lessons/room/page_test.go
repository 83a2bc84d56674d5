package room

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

func getPage(t *testing.T, s student, base string) string {
	t.Helper()
	resp, err := s.client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("no strict Content-Security-Policy: %q", csp)
	}
	return readAll(t, resp)
}

// The page shows the teacher's step with the lesson's addresses pointing
// at the machine the student reached, not at localhost.
func TestPageShowsTheStepWithTheRoomAddress(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", LessonPort: 4321})
	s := newStudent("127.0.0.71")
	if body := getPage(t, s, base); !strings.Contains(body, "Waiting for the teacher") {
		t.Fatalf("before any step the page should say it waits:\n%s", body)
	}
	r.SetStep(course(t, "en", "ping-pong"), 1) // "Play ping-pong by hand": nc {{host}} {{port}}
	body := getPage(t, s, base)
	for _, want := range []string{
		"<h1>Play ping-pong by hand</h1>",
		"Ping-pong: a reply for every read · Step 2/4",
		`<pre><code>nc 127.0.0.1 4321</code></pre>`, // the lesson's own code block, with the room address
		`<a href="http://127.0.0.1:4321/">http://127.0.0.1:4321/</a>`,
		`<meta name="viewport"`,
		`<form method="post" action="/name">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "{{") || strings.Contains(body, "?>") {
		t.Errorf("placeholders or hints left in the page:\n%s", body)
	}
	if t.Failed() {
		t.Log(body)
	}
}

// {{addr}} names the host the student reached; with loopback that is the
// loopback address the room answered on.
func TestPlaceholdersUseTheRoomHost(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", LessonPort: 4322})
	l := lessons.Lesson{ID: "t", Title: "T", Steps: []lessons.Step{{StepText: lessons.StepText{Title: "Go to {{addr}}", Body: "Open {{url}} or:\n\n```\ncurl -v {{url}}\n```\n"}}}}
	r.SetStep(l, 0)
	body := getPage(t, newStudent("127.0.0.72"), base)
	for _, want := range []string{"<h1>Go to 127.0.0.1:4322</h1>", "Open http://127.0.0.1:4322/ or:", "<pre><code>curl -v http://127.0.0.1:4322/</code></pre>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
}

// Lesson Markdown goes through goldmark with escaping: raw HTML and
// script links in the source do not become markup.
func TestMarkdownRawHTMLIsNotPassedThrough(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", LessonPort: 3000})
	l := lessons.Lesson{ID: "t", Title: "<b>T</b>", Steps: []lessons.Step{{StepText: lessons.StepText{
		Title: "<img src=x onerror=alert(1)>",
		Body:  "Hi <script>alert(1)</script>\n\n<iframe src=\"http://evil\"></iframe>\n\n[click](javascript:alert(1)) and `<code>` **bold**",
	}}}}
	r.SetStep(l, 0)
	body := strings.ToLower(getPage(t, newStudent("127.0.0.73"), base))
	for _, bad := range []string{"<script>alert", "<iframe", "<img", "javascript:", "<b>t</b>"} {
		if strings.Contains(body, bad) {
			t.Errorf("%q reached the page as markup", bad)
		}
	}
	if !strings.Contains(body, "<code>&lt;code&gt;</code>") || !strings.Contains(body, "<strong>bold</strong>") {
		t.Errorf("the Markdown was not rendered:\n%s", body)
	}
}

// The step changes live: an open stream gets the new step's HTML.
func TestStreamSendsTheNewStep(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en", LessonPort: 4323})
	pp := course(t, "en", "ping-pong")
	r.SetStep(pp, 0)
	st := newStudent("127.0.0.74").openSSE(t, base, 200)
	st.until("the first step", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == "step" && strings.Contains(ev.data, "<h1>Send a message</h1>")
	})
	r.SetStep(pp, 1)
	st.until("the next step", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == "step" && strings.Contains(ev.data, "<h1>Play ping-pong by hand</h1>") && strings.Contains(ev.data, "nc 127.0.0.1 4323") // the address the student reached the room at
	})
}

// The page speaks Korean when tubes does.
func TestPageInKorean(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "ko", LessonPort: 3000})
	ko := course(t, "ko", "ping-pong")
	r.SetStep(ko, 0)
	body := getPage(t, newStudent("127.0.0.75"), base)
	for _, want := range []string{`<html lang="ko">`, "내 트래픽", "내 이름", ko.Steps[0].Title, "단계 1/4"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Korean page lacks %q", want)
		}
	}
}

// Other paths and methods are refused; the script and stylesheet are the
// page's own files.
func TestRoutesAndHeaders(t *testing.T) {
	t.Parallel()
	_, base := startRoom(t, Config{Lang: "en"})
	s := newStudent("127.0.0.76")
	for path, want := range map[string]int{"/nope": 404, "/room.js": 200, "/room.css": 200} {
		resp, err := s.client.Get(base + path)
		if err != nil || resp.StatusCode != want {
			t.Errorf("GET %s: %v %v, want %d", path, resp.Status, err, want)
		}
		resp.Body.Close()
	}
	resp, err := s.client.Post(base+"/", "text/plain", strings.NewReader("x"))
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: %v %v", resp.Status, err)
	}
	// A header bigger than the room takes gets 431 from net/http.
	req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 16<<10))
	resp, err = s.client.Do(req)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a 16 KiB header: %v %v, want 431", resp.Status, err)
	}
}

func TestPortFor(t *testing.T) {
	for in, want := range map[int]int{3000: 3001, 0: 0, 65535: 0, 8080: 8081} {
		if got := PortFor(in); got != want {
			t.Errorf("PortFor(%d) = %d, want %d", in, got, want)
		}
	}
}

// With --port 0 the room learns the lesson server's port from its
// listening event, which reaches the room through the Tee.
func TestRoomLearnsTheLessonPort(t *testing.T) {
	t.Parallel()
	r, base := startRoom(t, Config{Lang: "en"})
	srv, _ := lessonServer(t, r)
	r.SetStep(course(t, "en", "ping-pong"), 1)
	body := getPage(t, newStudent("127.0.0.77"), base)
	want := "nc 127.0.0.1 " + strconv.Itoa(srv.Port()) // the address the student reached the room at
	if !strings.Contains(body, want) {
		t.Fatalf("the page lacks %q:\n%s", want, body)
	}
}
