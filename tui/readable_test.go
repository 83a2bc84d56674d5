package tui

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// Behind "make the window larger" the learner sees nothing, so no key may
// act there but quit: not a step change, not an action, not an overlay.
func TestKeysDoNothingBehindTheSmallScreen(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(50, 15)
	if !strings.Contains(r.m.screen(), "larger") {
		t.Fatalf("not the small screen:\n%s", r.m.screen())
	}
	for _, k := range []tea.KeyPressMsg{keyRune('n'), keyEnter, keyRune('?'), keyRune('l'), keyTab, keyRune('x'), keySpace, keyRune('c')} {
		if cmd := r.press(k); cmd != nil {
			t.Errorf("%s behind the small screen returned a command", k)
		}
	}
	if r.m.step != 0 || r.m.overlay != noOverlay || r.m.focus != focusLesson || r.m.busy || r.m.paused || r.m.bytesView.mode != textMode {
		t.Fatalf("keys acted behind the small screen: step %d overlay %d focus %d busy %v paused %v", r.m.step, r.m.overlay, r.m.focus, r.m.busy, r.m.paused)
	}
	if cmd := r.press(keyRune('q')); cmd == nil {
		t.Fatal("q must still quit")
	}
}

// The ? screen lists every scrolling key, down and page down included.
func TestHelpListsEveryScrollKey(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	r.press(keyRune('?'))
	screen := ansi.Strip(r.m.screen())
	for _, want := range []string{"↑/k", "↓/j", "pgup", "pgdn", "home", "end"} {
		if !strings.Contains(screen, want) {
			t.Errorf("? does not list %q:\n%s", want, screen)
		}
	}
}

// hexText is the text column of each hex row.
func hexText(rows []string) []string {
	var out []string
	for _, r := range rows {
		r = ansi.Strip(r)
		out = append(out, r[strings.LastIndex(r, "  ")+2:])
	}
	return out
}

// Hex mode's text column shows characters as they are, side by side: a
// multi-byte character is not followed by filler spaces, and a space the
// row ends with is drawn so it can be seen.
func TestHexTextColumnHasNoFillerAndShowsTrailingSpaces(t *testing.T) {
	st := newStyles(true, false)
	got := hexText(hexLines(st, []byte("안녕 🎈ok "), 0, 80))
	if len(got) != 1 || got[0] != "안녕 🎈ok␠" {
		t.Fatalf("text column %q, want %q", got, "안녕 🎈ok␠")
	}
}

// A lesson longer than its pane says how much is left below, and says
// nothing once the end is on screen.
func TestLessonPaneSaysThereIsMore(t *testing.T) {
	r := newRig(t, "timeouts")
	r.size(80, 24)
	screen := ansi.Strip(r.m.screen())
	if !strings.Contains(screen, "more lines") {
		t.Fatalf("no \"more lines\" under a long lesson:\n%s", screen)
	}
	r.press(tea.KeyPressMsg{Code: tea.KeyEnd})
	if screen := ansi.Strip(r.m.screen()); strings.Contains(screen, "more line") {
		t.Fatalf("still \"more\" at the end:\n%s", screen)
	}
	// The lines counted are the lines there are.
	w, h := r.m.lay.panes[focusLesson].inner()
	body := len(r.m.lessonBody(w))
	shown := h - len(r.m.lessonHead(w)) - 1
	r.press(tea.KeyPressMsg{Code: tea.KeyHome})
	if want := fmt.Sprintf("↓ %d more lines", body-shown); !strings.Contains(ansi.Strip(r.m.screen()), want) {
		t.Fatalf("want %q:\n%s", want, ansi.Strip(r.m.screen()))
	}
}

// paneRows is what pane f shows now, without its frame.
func paneRows(m *Model, f focus) string {
	w, h := m.lay.panes[f].inner()
	switch f {
	case focusEvents:
		return ansi.Strip(strings.Join(m.eventsView.view(m.st, m.events, m.eventsUpTo(), w, h, "", m.filter), "\n"))
	case focusBytes:
		return ansi.Strip(strings.Join(m.bytesView.view(m.st, m.t, m.chunks, m.chunksUpTo(), w, h, m.filter), "\n"))
	}
	return ""
}

// A pane scrolled up stays on what it shows while new traffic arrives
// below; end (or G) goes back to the newest.
func TestScrolledPanesStayPut(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(120, 40)
	exchanges := func(n int) {
		for i := 0; i < n; i++ {
			want := r.server.Totals().BytesOut + 18
			r.act(t)
			r.flushUntil(t, func() bool { return r.m.totals.BytesOut >= want && sawCloses(r.m) >= int(want/18)*2 })
		}
	}
	exchanges(8)
	for _, f := range []focus{focusEvents, focusBytes} {
		r.m.focus = f
		for i := 0; i < 5; i++ {
			r.press(keyUp)
		}
		before := paneRows(r.m, f)
		exchanges(2)
		if after := paneRows(r.m, f); after != before {
			t.Fatalf("pane %d moved when traffic came:\nbefore:\n%s\nafter:\n%s", f, before, after)
		}
		r.press(keyRune('G'))
		if (f == focusEvents && r.m.eventsView.offset != 0) || (f == focusBytes && r.m.bytesView.offset != 0) {
			t.Fatalf("G should go to the newest: offsets %d %d", r.m.eventsView.offset, r.m.bytesView.offset)
		}
	}
}

// sawCloses counts the closes that reached the model.
func sawCloses(m *Model) int {
	n, closes := m.events.visible(^uint64(0)), 0
	for i := 0; i < n; i++ {
		if m.events.at(i).Kind == netcore.Closed {
			closes++
		}
	}
	return closes
}

// The parsed view splits the server's response too: its status line and
// headers, and the body with what Content-Length declares beside what
// came, in the lesson that needs it.
func TestParsedViewShowsResponses(t *testing.T) {
	r := newRig(t, "content-length")
	r.size(120, 40)
	r.press(keyRune('x'))
	r.press(keyRune('x'))
	for step, want := range []string{"They agree.", "too many"} {
		if step == 0 {
			r.act(t)
		} else { // this step is done from outside: a client of our own
			c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())))
			if err != nil {
				t.Fatal(err)
			}
			_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
			_, _ = io.ReadAll(c)
			c.Close()
		}
		r.flushUntil(t, func() bool { return strings.Contains(paneRows(r.m, focusBytes), "Content-Length declares") })
		rows := paneRows(r.m, focusBytes)
		for _, w := range []string{"status line (17 B)", "HTTP/1.1 200 OK", "header", "blank line (2 B)", "body", want} {
			if !strings.Contains(rows, w) {
				t.Errorf("step %d: parsed response lacks %q:\n%s", step+1, w, rows)
			}
		}
		r.press(keyRune('c'))
		r.press(keyRune('n'))
	}
}

// o opens the event on the events pane's last row whole: the pane cuts a
// long line at its width, the box wraps all of it.
func TestOpenAnEventWhole(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(80, 24)
	r.press(keyRune('n')) // accept-only: it reads and never answers
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := "a long line from nc that the events pane cannot show in full: tail-mark"
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	r.flushUntil(t, func() bool { return strings.Contains(paneRows(r.m, focusEvents), "recv") })
	if strings.Contains(ansi.Strip(r.m.screen()), "tail-mark") {
		t.Fatal("the line is not cut: nothing to open")
	}
	r.press(keyRune('o'))
	screen := strings.ReplaceAll(ansi.Strip(r.m.screen()), "│", "")
	if r.m.overlay != eventOverlay || !strings.Contains(strings.Join(strings.Fields(screen), " "), "the events pane cannot show in full: tail-mark") {
		t.Fatalf("o should show the whole event:\n%s", screen)
	}
	r.press(keyEsc)
	if r.m.overlay != noOverlay {
		t.Fatal("esc should close it")
	}
}

// Every command a step shows stands whole on one line at 80 columns, in
// every lesson and language: never wrapped, at most cut at the edge.
func TestCommandsAreNeverBroken(t *testing.T) {
	for _, lang := range lessons.Languages() {
		course, err := lessons.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		r := newRigLang(t, lang, "tcp-accept")
		r.size(80, 24)
		w, _ := r.m.lay.panes[focusLesson].inner()
		found := 0
		for li, l := range course.Lessons {
			for si := range l.Steps {
				r.m.lesson, r.m.step = li, si
				body := r.m.lessonBody(w)
				cmds := r.m.lessonView.cmds[r.m.lessonKeyAt(w)]
				for i, c := range cmds.text {
					found++
					first, _, _ := strings.Cut(c, "\n")
					if line := ansi.Strip(body[cmds.line[i]]); !strings.Contains(line, first) {
						t.Errorf("%s %s step %d: %q is not whole on its line %q", lang, l.ID, si+1, first, line)
					}
				}
			}
		}
		if found < 20 {
			t.Errorf("%s: only %d commands found in the course", lang, found)
		}
	}
}

// A cut code line scrolls sideways with > and <, as far as it goes.
func TestCutCodeScrollsSideways(t *testing.T) {
	r := newRig(t, "byte-stream")
	r.size(120, 40) // a lesson pane 50 cells wide: its first step's code is wider
	w, _ := r.m.lay.panes[focusLesson].inner()
	body := r.m.lessonBody(w)
	cut := -1
	for i, line := range body {
		if ansi.StringWidth(line) > w {
			cut = i
			break
		}
	}
	if cut < 0 {
		t.Fatal("no line is cut at this width: pick a step with a longer code")
	}
	r.m.lessonView.offset = cut
	r.m.Update(batchMsg{})
	before := ansi.Strip(r.m.screen())
	r.press(keyRune('>'))
	if r.m.lessonView.side == 0 || ansi.Strip(r.m.screen()) == before {
		t.Fatal("> should scroll the cut line sideways")
	}
	for i := 0; i < 100; i++ {
		r.press(keyRune('>'))
	}
	if r.m.lessonView.side > ansi.StringWidth(body[cut]) {
		t.Fatalf("> scrolled past the widest line: %d", r.m.lessonView.side)
	}
	r.press(keyRune('<'))
	for i := 0; i < 100; i++ {
		r.press(keyRune('<'))
	}
	if r.m.lessonView.side != 0 || ansi.Strip(r.m.screen()) != before {
		t.Fatal("< should come back")
	}
}

// C copies the step's command, placeholders filled, to the clipboard
// through OSC 52, and says what it copied.
func TestCopyTakesTheStepsCommand(t *testing.T) {
	r := newRig(t, "timeouts")
	r.size(80, 24)
	r.m.screen() // as the program draws after every message: C copies from the text on screen
	cmd := r.press(keyRune('C'))
	if cmd == nil {
		t.Fatal("C returned no command")
	}
	got := fmt.Sprint(cmd())
	want := "nc localhost " + strconv.Itoa(r.server.Port())
	if got != want {
		t.Fatalf("C copies %q, want %q", got, want)
	}
	if !strings.Contains(r.m.status, want) {
		t.Fatalf("status %q does not say what was copied", r.m.status)
	}
}

func TestProtectSpansKeepsCodeWhole(t *testing.T) {
	md, codes, cmd := protectCode("Run `curl -v http://localhost:3000/` now.\n\n```\nnc localhost 3000\nsecond line\n```\n", 10)
	if len(codes) != 3 || codes[0] != "curl -v http://localhost:3000/" || codes[1] != "nc localhost 3000\nsecond line" || !cmd[0] || !cmd[1] || cmd[2] {
		t.Fatalf("codes %q cmd %v", codes, cmd)
	}
	if strings.Contains(md, "curl") || strings.Contains(md, "nc localhost") {
		t.Fatalf("the code is still in the Markdown: %q", md)
	}
}
