package plain

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
)

func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skip(tool + " is not installed")
	}
}

// example is a file of the lesson's example, as the course ships it.
func example(t *testing.T, lesson, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "assets", "examples", lesson, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// yourTurn starts Run on the lesson's Your-turn step.
func yourTurn(t *testing.T, lang, lesson string) *rig {
	t.Helper()
	course, err := lessons.Load(lang)
	if err != nil {
		t.Fatal(err)
	}
	last := len(course.Lessons[course.Find(lesson)].Steps) - 1
	r := start(t, lang, lesson, last)
	if !course.Lessons[course.Find(lesson)].Steps[last].YourTurn() {
		t.Fatalf("the last step of %s is not Your turn", lesson)
	}
	r.waitFor(t, r.header(lesson, last))
	return r
}

// probeNames are the lesson's probes as the check names them in lang.
func probeNames(t *testing.T, lesson, lang string) []string {
	t.Helper()
	set, ok := lessons.Probes(lesson)
	if !ok {
		t.Fatalf("no probes for %s", lesson)
	}
	var names []string
	for _, it := range probe.Spec(set, lang) {
		names = append(names, it.Name)
	}
	return names
}

// brokenHTTP answers every connection with a line that is not HTTP.
const brokenHTTP = `import net from 'node:net';
net.createServer((s) => s.end('not http\n')).listen(Number(process.env.PORT), '127.0.0.1');
`

// checkWait bounds one check of a learner's server, under load too.
const checkWait = time.Minute

// A server that answers no HTTP, run from a temporary directory: FAIL
// lines and the first failure's reason, not done; the
// file saved as the example solution: the check runs again by itself,
// every probe passes, the step is done and the lesson built. Leaving the
// step stops the learner's server. In English and Korean.
func TestRunFailsThenPassesOnSave(t *testing.T) {
	need(t, "node")
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			r := yourTurn(t, lang, "http-response")
			ui := r.ui
			r.waitFor(t, "run "+ui["plain.run.cmd"]+": "+ui["key.enter.build"])

			dir := t.TempDir()
			file := filepath.Join(dir, "server.mjs")
			if err := os.WriteFile(file, []byte(brokenHTTP), 0o644); err != nil {
				t.Fatal(err)
			}
			// The command says the port tubes gave it, to a file outside
			// the watched directory, so the test can see it closed later.
			portFile := filepath.Join(t.TempDir(), "port")
			command := "echo $PORT >" + portFile + "; exec node " + file
			r.send(t, "run "+command)
			r.waitFor(t, fmt.Sprintf(ui["plain.run.start"], `"`+command+`"`))
			r.waitWithin(t, ui["build.verdict.FAIL"]+": ", checkWait)
			r.waitFor(t, ui["build.reason"]+" ")
			r.waitFor(t, fmt.Sprintf(ui["plain.run.again"], `"`+dir+`"`))
			if got, _ := r.store(t); got.IsDone("http-response", r.lastStep("http-response")) {
				t.Fatal("a failing check completed the step")
			}

			if err := os.WriteFile(file, example(t, "http-response", "server.mjs"), 0o644); err != nil {
				t.Fatal(err)
			}
			r.waitFor(t, fmt.Sprintf(ui["plain.run.saved"], `"`+dir+`"`))
			from := r.seen
			r.waitWithin(t, ui["lesson.lastdone"], checkWait)
			again := r.out.String()[from:r.seen] // the run after the save
			names := probeNames(t, "http-response", lang)
			for _, name := range names {
				if !strings.Contains(again, ui["build.verdict.PASS"]+": "+name+"\n") && !strings.Contains(again, ui["build.verdict.WARN"]+": "+name+"\n") {
					t.Errorf("no PASS or WARN line for %q in\n%s", name, again)
				}
			}
			if strings.Contains(again, ui["build.verdict.FAIL"]+": ") || !strings.Contains(again, fmt.Sprintf(ui["build.summary"], len(names), 0, 0, 0)) {
				t.Errorf("the run after the save is not all PASS:\n%s", again)
			}
			got, _ := r.store(t)
			if !got.Built("http-response") || !got.IsDone("http-response", r.lastStep("http-response")) {
				t.Errorf("saved progress = %+v: the step is not done or the lesson not built", got)
			}

			port := readPort(t, portFile)
			r.send(t, "p")
			r.waitFor(t, ui["plain.run.stopped"])
			r.waitFor(t, r.header("http-response", r.lastStep("http-response")-1))
			waitClosed(t, port)
			r.send(t, "q")
			if err := r.finish(t); err != nil {
				t.Fatal(err)
			}
			checkSafe(t, r.out.String())
		})
	}
}

// An address tubes' own listener answers at is refused with a reason; run
// off the Your-turn step says where it works; an empty line with nothing
// run yet says how.
func TestRunRefusals(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			r := yourTurn(t, lang, "ping-pong")
			how := strings.Fields(fmt.Sprintf(r.ui["plain.run.how"], "3001"))[0]
			r.waitFor(t, how) // in the step's text
			r.send(t, "")
			r.waitFor(t, how)
			r.send(t, "h")
			r.waitFor(t, how)
			r.send(t, "run "+r.addr())
			r.waitFor(t, r.ui["yours.self"]+` "`+r.addr()+`"`)
			r.waitFor(t, r.ui["plain.run.againaddr"])
			r.send(t, "p")
			r.waitFor(t, r.header("ping-pong", r.lastStep("ping-pong")-1))
			r.send(t, "run node server.mjs")
			r.waitFor(t, r.ui["plain.run.notyourturn"])
			r.send(t, "q")
			if err := r.finish(t); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(r.out.String(), r.ui["plain.run.stopped"]) {
				t.Error("a refused address was said to be stopped")
			}
			checkSafe(t, r.out.String())
		})
	}
}

// A server that dies at once: the reason in the check's words and its
// stderr, with the bytes a terminal would act on escaped; q stops the
// watch and Run ends.
func TestRunServerThatExits(t *testing.T) {
	r := yourTurn(t, "en", "ping-pong")
	r.send(t, `run printf 'boom: no such module\033[2J\233\342\200\256\n' >&2; exit 3`)
	r.waitFor(t, "exit status 3")
	r.waitFor(t, r.ui["build.stderr"])
	r.waitFor(t, `  boom: no such module\x1b[2J`)
	r.send(t, "q")
	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	checkSafe(t, r.out.String())
}

func (r *rig) lastStep(lesson string) int {
	return len(r.course.Lessons[r.course.Find(lesson)].Steps) - 1
}

// store is the progress Run saved.
func (r *rig) store(t *testing.T) (lessons.Progress, string) {
	t.Helper()
	_, got, warn, err := lessons.OpenStore(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	return got, warn
}

// readPort is the port the command wrote to file.
func readPort(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// waitClosed waits until nothing listens on port any more.
func waitClosed(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the learner's server still listens on %d after the step was left", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// q with the learner's server running stops it, and says so.
func TestQuitStopsTheServer(t *testing.T) {
	need(t, "node")
	r := yourTurn(t, "en", "ping-pong")
	file := filepath.Join(t.TempDir(), "server.mjs")
	if err := os.WriteFile(file, example(t, "ping-pong", "server.mjs"), 0o644); err != nil {
		t.Fatal(err)
	}
	portFile := filepath.Join(t.TempDir(), "port")
	r.send(t, "run echo $PORT >"+portFile+"; exec node "+file)
	r.waitWithin(t, r.ui["build.verdict.PASS"]+": ", checkWait)
	r.waitFor(t, r.ui["lesson.lastdone"])
	port := readPort(t, portFile)
	r.send(t, "q")
	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, r.ui["plain.run.stopped"])
	waitClosed(t, port)
	checkSafe(t, r.out.String())
}
