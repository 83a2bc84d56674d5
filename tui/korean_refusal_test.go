package tui

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/netcore"
)

func hasHangul(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
}

// In Korean mode the lesson server speaks Korean: a bare-LF request to the
// http-request step's server, opened as tubes --lang ko opens it, is
// refused with a 400 whose body, the note in the events and the bytes
// pane's parsed view all say why in Hangul, and none in the English
// sentence.
func TestKoreanRefusalSpeaksKorean(t *testing.T) {
	t.Setenv("TUBES_STATE_DIR", t.TempDir())
	o := session.NewOptions()
	fs := pflag.NewFlagSet("tubes", pflag.ContinueOnError)
	o.BindServer(fs)
	o.BindLesson(fs, true)
	o.BindLang(fs)
	if err := fs.Parse([]string{"--listen", "127.0.0.1:0", "--lesson", "http-request", "--step", "4", "--lang", "ko"}); err != nil {
		t.Fatal(err)
	}
	w, err := session.Open(o, session.WithServer, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	shut := sync.OnceFunc(w.Shutdown)
	t.Cleanup(shut)
	client := courseClient(w)
	t.Cleanup(client.CloseAll)
	tm := teatest.NewTestModel(t, newCourseModel(w, o, client), teatest.WithInitialTermSize(200, 50),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	out := &screenLog{r: tm.Output()}

	// The old English sentence, and the words English has for it now.
	english := []string{"ends in a bare LF", "every HTTP line ends in CRLF"}
	if _, after, ok := strings.Cut(lessons.UIStrings("en")["wire.line.barelf"], "%d"); ok {
		english = append(english, after)
	}

	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(w.Server.Port())), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\nHost: localhost\n\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("got %s, Content-Type %q; want 400, text/plain; charset=utf-8", resp.Status, resp.Header.Get("Content-Type"))
	}
	checkKorean(t, "the 400 body", string(body), english)

	// The note's own words (srv.refused without its values), not a copy
	// of them: the wording may change, the note must still be the refusal.
	_, refused, _ := strings.Cut(lessons.UIStrings("ko")["srv.refused"], "%s")
	refused, _, _ = strings.Cut(refused, "%s")
	refused = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(refused), ":"))
	if !hasHangul(refused) {
		t.Fatalf("ko srv.refused has no Korean between its values: %q", lessons.UIStrings("ko")["srv.refused"])
	}
	out.waitFor(t, "the note in the events", refused)
	tm.Send(keyRune('q'))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	shut()

	var note, sent string
	var request []byte
	for i := 0; i < final.events.visible(final.eventsUpTo()); i++ {
		e := final.events.at(i)
		switch {
		case e.Kind == netcore.Note && e.Source == netcore.FromServer:
			note = e.Text
		case e.Kind == netcore.Recv && e.Source == netcore.FromServer && e.Offset == 0:
			request = e.Data
		case e.Kind == netcore.Sent && e.Source == netcore.FromServer:
			sent = string(e.Data)
		}
	}
	checkKorean(t, "the note", note, english)
	if !strings.HasPrefix(sent, "HTTP/1.1 400 Bad Request\r\n") {
		t.Errorf("the events' sent bytes %q are not the 400", sent)
	}
	if string(request) != "GET / HTTP/1.1\nHost: localhost\n\n" {
		t.Fatalf("the server's recv event holds %q", request)
	}
	parsed := strings.Join(parsedLines(final.st, final.t, request, 190), "\n")
	checkKorean(t, "the parsed view", parsed, english)
	if !strings.Contains(parsed, final.t("parsed.rejected")+" 400") {
		t.Errorf("the parsed view does not say it is rejected:\n%s", parsed)
	}
}

func checkKorean(t *testing.T, what, s string, english []string) {
	t.Helper()
	if !hasHangul(s) {
		t.Errorf("%s has no Hangul: %q", what, s)
	}
	for _, e := range english {
		if strings.Contains(s, e) {
			t.Errorf("%s says %q in English: %q", what, e, s)
		}
	}
}
