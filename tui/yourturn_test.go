package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/yourturn"
)

// buildDriver plays the program's part for the Your-turn step: it runs the
// commands the model returns and hands their messages back, on the test's
// goroutine, while the inbox's events flow into the panes.
type buildDriver struct {
	r    *rig
	msgs chan tea.Msg
}

func newBuildRig(t *testing.T, id string) *buildDriver {
	t.Helper()
	r := newRig(t, id)
	r.size(120, 60)
	r.m.goTo(r.m.lesson, len(r.m.current().Steps)-1)
	if !r.m.currentStep().YourTurn() {
		t.Fatal("the last step is not Your turn")
	}
	t.Cleanup(r.m.stopBuild)
	return &buildDriver{r: r, msgs: make(chan tea.Msg, 16)}
}

func (d *buildDriver) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.msgs <- cmd() }()
	}
}

// submit opens the input with enter, types text and submits it.
func (d *buildDriver) submit(text string) {
	d.r.press(keyEnter) // its command is the cursor's blink
	for _, c := range text {
		d.r.press(keyRune(c))
	}
	d.run(d.r.press(keyEnter))
}

func (d *buildDriver) until(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			switch msg := msg.(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					d.run(c)
				}
			case yourturn.Msg, savedMsg:
				_, cmd := d.r.m.Update(msg)
				d.run(cmd)
			}
		case <-tick.C:
			d.r.m.Update(batchMsg{events: d.r.inbox.Drain(), folded: d.r.inbox.Folded(), totals: d.r.server.Totals()})
		case <-deadline:
			t.Fatalf("not within %s; lesson pane:\n%s", within, ansi.Strip(d.r.m.screen()))
		}
	}
}

func need(t *testing.T, tool string) {
	if _, err := exec.LookPath(tool); err != nil {
		t.Skip(tool + " is not installed")
	}
}

func TestYourTurnRealSolutionPassesAndBuilds(t *testing.T) {
	need(t, "node")
	d := newBuildRig(t, "http-response")
	d.submit("node ../assets/examples/http-response/server.mjs")
	d.until(t, time.Minute, func() bool { return d.r.m.build.Report() != nil })
	d.until(t, 5*time.Second, func() bool { return d.r.m.stepDone() })
	if !d.r.m.d.Progress.Built("http-response") {
		t.Error("a passing check did not mark the lesson built")
	}
	lines := ansi.Strip(strings.Join(d.r.m.buildLines(), "\n"))
	for _, r := range d.r.m.build.Report().Results {
		mark := verdictMarks[r.Verdict()] // a WARN passes too
		if r.Verdict() == probe.VerdictFail || !strings.Contains(lines, mark+" "+r.Name) {
			t.Errorf("the lesson pane lacks %s %s:\n%s", mark, r.Name, lines)
		}
	}
	// The list is after the step's text: G (end) shows it.
	d.r.press(keyRune('G'))
	if !strings.Contains(ansi.Strip(d.r.m.screen()), verdictMarks[d.r.m.build.Report().Results[0].Verdict()]+" "+d.r.m.build.Report().Results[0].Name) {
		t.Error("the results are not on the screen")
	}
	// The probes went through tubes' own listener: the panes saw them.
	d.until(t, 5*time.Second, func() bool { return d.r.m.events.total > 0 && d.r.m.chunks.total > 0 })
	// Leaving the step stops the server and takes the tap away.
	proc := d.r.m.build.Process()
	d.r.press(keyRune('p'))
	if d.r.m.d.Backend.Target() != "" || d.r.m.build.Process() != nil {
		t.Error("leaving the step left the tap or the process")
	}
	select {
	case <-proc.Exited():
	case <-time.After(5 * time.Second):
		t.Error("the learner's server still runs after leaving the step")
	}
}

func TestYourTurnUntouchedStarterFailsWithAReason(t *testing.T) {
	need(t, "python3")
	d := newBuildRig(t, "http-response")
	d.submit("python3 ../assets/examples/http-response/starter/server.py")
	d.until(t, time.Minute, func() bool { return d.r.m.build.Report() != nil })
	lines := ansi.Strip(strings.Join(d.r.m.buildLines(), "\n"))
	if !strings.Contains(lines, "✗") || !strings.Contains(lines, d.r.m.t("build.reason")+" ") {
		t.Errorf("the starter's failure is not shown with a reason:\n%s", lines)
	}
	if d.r.m.stepDone() || d.r.m.d.Progress.Built("http-response") {
		t.Error("a failing check completed the step")
	}
	// Enter with nothing typed runs the last command again.
	d.submit("")
	if d.r.m.build.Last() != "python3 ../assets/examples/http-response/starter/server.py" || !d.r.m.build.Running() {
		t.Errorf("an empty enter did not re-run the last command (%q)", d.r.m.build.Last())
	}
	d.until(t, time.Minute, func() bool { return d.r.m.build.Report() != nil })
}

func TestYourTurnServerThatExitsShowsItsStderr(t *testing.T) {
	d := newBuildRig(t, "http-response")
	d.submit(`printf 'boom: no such module\033[2J\n' >&2; exit 3`)
	d.until(t, 30*time.Second, func() bool { return !d.r.m.build.Running() })
	d.r.press(keyRune('G')) // the stderr is with the results, after the text
	raw := d.r.m.screen()
	if strings.Contains(raw, "\x1b[2J") {
		t.Error("the server's stderr reached the screen unescaped")
	}
	if !strings.Contains(ansi.Strip(raw), "boom: no such module") {
		t.Errorf("the server's stderr is not shown:\n%s", ansi.Strip(raw))
	}
}

// brokenHTTP is a learner's server that answers every connection with a
// line that is not HTTP: three probes fail, the rest are skipped.
const brokenHTTP = `import net from 'node:net';
net.createServer((s) => s.end('not http\n')).listen(Number(process.env.PORT), '127.0.0.1');
`

// writeServer writes a learner's server.mjs into dir.
func writeServer(t *testing.T, dir string, src []byte) string {
	t.Helper()
	file := filepath.Join(dir, "server.mjs")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// At 80×24 a failing check with its list of probes leaves the step's text
// its room: the header holds one line of counts, the list comes after the
// text, and both are on screen, the text at once and the list with G.
func TestYourTurnResultsLeaveTheTextRoomAt80x24(t *testing.T) {
	need(t, "node")
	d := newBuildRig(t, "http-response")
	d.r.size(80, 24)
	w, h := d.r.m.lay.panes[focusLesson].inner()
	text := d.r.m.lessonView.body(d.r.m.lessonKeyAt(w), func() string {
		return stepMarkdown(d.r.m.current(), d.r.m.step, d.r.m.d.TextAddr)
	})
	firstText := strings.TrimSpace(ansi.Strip(text.lines[0]))
	d.submit("node " + writeServer(t, t.TempDir(), []byte(brokenHTTP)))
	d.until(t, time.Minute, func() bool { return d.r.m.build.Report() != nil })
	rep := d.r.m.build.Report()
	if rep.Failed() == 0 || len(rep.Results) < 4 {
		t.Fatalf("want a long list with failures, got %d results, %d failed", len(rep.Results), rep.Failed())
	}

	screen := ansi.Strip(d.r.m.screen())
	if !strings.Contains(screen, firstText) {
		t.Errorf("the step's text (%q) is not on the screen:\n%s", firstText, screen)
	}
	if room := h - len(d.r.m.lessonHead(w)); room < h/2 {
		t.Errorf("the header takes %d of %d rows; the text has %d:\n%s", h-room, h, room, screen)
	}
	n := map[probe.Verdict]int{}
	for _, r := range rep.Results {
		n[r.Verdict()]++
	}
	sum := fmt.Sprintf(d.r.m.t("build.summary"), n[probe.VerdictPass], n[probe.VerdictFail], n[probe.VerdictWarn], n[probe.VerdictSkip])
	if !strings.Contains(screen, sum) {
		t.Errorf("no counts in the header:\n%s", screen)
	}

	// From the top, page by page, everything comes by: the text and the
	// whole list after it.
	d.r.press(keyRune('g'))
	var seen strings.Builder
	for range 50 {
		screen = ansi.Strip(d.r.m.screen())
		seen.WriteString(screen + "\n")
		before := d.r.m.lessonView.offset
		d.r.press(tea.KeyPressMsg{Code: tea.KeyPgDown})
		if d.r.m.lessonView.offset == before {
			break
		}
	}
	all := seen.String()
	for _, r := range rep.Results {
		if want := verdictMarks[r.Verdict()] + " " + r.Name; !strings.Contains(all, want) {
			t.Errorf("paging down, %q never shows:\n%s", want, all)
		}
	}
	if !strings.Contains(all, d.r.m.t("build.reason")+" ") || !strings.Contains(all, d.r.m.t("build.results")) {
		t.Errorf("paging down, the reason or the list's title never shows:\n%s", all)
	}
	// G goes straight to the list's end: the reason is on screen.
	d.r.press(keyRune('G'))
	screen = ansi.Strip(d.r.m.screen())
	if !strings.Contains(screen, d.r.m.t("build.reason")+" ") {
		t.Errorf("after G, the first failure's reason is not on the screen:\n%s", screen)
	}
	for _, line := range strings.Split(screen, "\n") {
		if cw := ansi.StringWidth(line); cw > 80 {
			t.Errorf("a line of %d cells: %q", cw, line)
		}
	}
}
