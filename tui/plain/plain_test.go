package plain

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
)

// The first lesson, driven from stdin in each language: enter connects and
// completes the step, n moves on, h shows a hint, q ends Run; progress is
// in the store and nothing a terminal acts on is printed.
func TestWalkFirstLesson(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			r := start(t, lang, "tcp-accept", 0)
			r.waitFor(t, r.header("tcp-accept", 0))
			r.waitFor(t, r.ui["plain.commands"]+" "+r.ui["plain.empty"]+": "+r.ui["key.enter.connect"])

			r.send(t, "")
			r.waitFor(t, "accepted 127.0.0.1:")
			r.waitFor(t, r.ui["lesson.done"])

			r.send(t, "n")
			r.waitFor(t, r.header("tcp-accept", 1))
			cmds := r.ui["plain.commands"] + " n: " + r.ui["key.next"]
			r.waitFor(t, cmds) // no action in this step: the line starts with n

			r.send(t, "h")
			step := r.course.Lessons[0].Steps[1]
			r.waitFor(t, fmt.Sprintf(r.ui["plain.hint"], 1, len(step.Hints)))
			r.waitFor(t, "netcat") // in the first hint of the nc step, both languages

			r.send(t, "q")
			if err := r.finish(t); err != nil {
				t.Fatalf("Run after q: %v", err)
			}
			out := r.out.String()
			checkSafe(t, out)
			for _, bad := range []string{"%!", "{{", "**"} {
				if strings.Contains(out, bad) {
					t.Errorf("output holds %q:\n%s", bad, out)
				}
			}

			_, got, warn, err := lessons.OpenStore(r.dir)
			if err != nil || warn != "" {
				t.Fatalf("reopening the store: %v %q", err, warn)
			}
			if got.Lesson != "tcp-accept" || got.Step != 1 || !slices.Contains(got.Done["tcp-accept"], 0) {
				t.Errorf("saved progress = %+v, want lesson tcp-accept, step 1, step 0 done", got)
			}
		})
	}
}

func TestEndOfInputEndsCleanly(t *testing.T) {
	r := start(t, "en", "ping-pong", 0)
	r.waitFor(t, r.header("ping-pong", 0))
	r.in.Close()
	if err := r.finish(t); err != nil {
		t.Fatalf("Run at the end of stdin: %v", err)
	}
}

// A message typed with m goes out as the step's message; where the step
// takes none, or none was typed, a line says so.
func TestMessageAndRefusals(t *testing.T) {
	r := start(t, "en", "ping-pong", 2)
	r.waitFor(t, "m "+r.ui["plain.text"]+": "+r.ui["key.message"])
	r.send(t, "m")
	r.waitFor(t, r.ui["plain.needtext"])
	r.send(t, "m 안녕 tubes")
	r.waitFor(t, `client #1 sent 12 B "안녕 tubes"`)
	r.waitFor(t, r.ui["lesson.done"])

	r.send(t, "n")
	r.waitFor(t, r.header("ping-pong", 3)) // Your turn
	r.send(t, "n")
	r.waitFor(t, r.header("byte-stream", 0))
	r.send(t, "m hello")
	r.waitFor(t, r.ui["plain.nomessage"])
	r.send(t, "zz top")
	r.waitFor(t, r.ui["plain.unknown"]+" zz")
	r.send(t, "p")
	r.waitFor(t, r.header("ping-pong", 3))
	r.send(t, "p")
	r.waitFor(t, r.header("ping-pong", 2))
	r.waitFor(t, r.ui["lesson.done"]) // done before: said again on arrival
	r.send(t, "q")
	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	checkSafe(t, r.out.String())
}

// The course has edges: p on the first step and n on the last say so.
func TestCourseEdges(t *testing.T) {
	r := start(t, "en", "tcp-accept", 0)
	r.send(t, "p")
	r.waitFor(t, r.ui["plain.first"])
	last := r.course.Lessons[len(r.course.Lessons)-1]
	r2 := start(t, "en", last.ID, len(last.Steps)-1)
	r2.send(t, "n")
	r2.waitFor(t, r2.ui["plain.last"])
}

// Every step's header, prose and commands line, in every language, is
// plain text: no control bytes, no unfilled placeholder, no format error,
// no Markdown emphasis marks.
func TestEveryStepPrintsPlain(t *testing.T) {
	for _, lang := range lessons.Languages() {
		course, err := lessons.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		p, err := newProse(80)
		if err != nil {
			t.Fatal(err)
		}
		out := &syncBuf{}
		r := &runner{cfg: Config{Course: course, UI: lessons.UIStrings(lang), Addr: lessons.Address{Host: "localhost", Port: 3000}},
			prose: p}
		for li, l := range course.Lessons {
			for si := range l.Steps {
				r.lesson, r.step = li, si
				var b strings.Builder
				r.out = bufio.NewWriter(&b)
				r.printStep()
				for range len(l.Steps[si].Hints) {
					r.hint()
				}
				r.out.Flush()
				text := b.String()
				out.Write([]byte(text))
				if !strings.Contains(text, l.Steps[si].Title) {
					t.Errorf("%s %s step %d: no title in\n%s", lang, l.ID, si+1, text)
				}
				for _, bad := range []string{"%!", "{{", "**"} {
					if strings.Contains(text, bad) {
						t.Errorf("%s %s step %d holds %q:\n%s", lang, l.ID, si+1, bad, text)
					}
				}
				for _, line := range strings.Split(text, "\n") {
					if strings.HasSuffix(line, " ") {
						t.Errorf("%s %s step %d: trailing space in %q", lang, l.ID, si+1, line)
					}
				}
			}
		}
		checkSafe(t, out.String())
	}
}

// Every interface string Run uses exists in every language.
func TestUIStringsExist(t *testing.T) {
	keys := []string{"plain.header", "plain.commands", "plain.empty", "plain.text", "plain.hint", "plain.nohint",
		"plain.nomessage", "plain.needtext", "plain.busy", "plain.unknown", "plain.first", "plain.last", "progress.notsaved",
		"lesson.done", "lesson.lastdone", "lesson.coursedone", "lesson.noaction", "action.running", "action.failed",
		"status.folded", "key.next", "key.prev", "key.hint", "key.quit", "key.message",
		"plain.run.cmd", "plain.run.how", "plain.run.notyourturn", "plain.run.start", "plain.run.saved", "plain.run.again",
		"plain.run.againaddr", "plain.run.stopped", "key.enter.build", "build.verdict.PASS", "build.verdict.FAIL",
		"build.verdict.WARN", "build.verdict.SKIP", "build.summary", "build.reason", "build.stderr", "build.exited",
		"yours.bad", "yours.self"}
	for _, lang := range lessons.Languages() {
		own := lessons.UIStrings(lang)
		for _, k := range keys {
			if own[k] == "" {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
	// UIStrings falls back to English; a Korean string of its own differs.
	en, ko := lessons.UIStrings("en"), lessons.UIStrings("ko")
	for _, k := range keys {
		if strings.HasPrefix(k, "plain.") && en[k] == ko[k] {
			t.Errorf("ko has no own %q", k)
		}
	}
}
