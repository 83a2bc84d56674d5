package lessons_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// exampleSteps says, per lesson, which steps its example program must
// complete, seen through the tap with the lesson's own checks and driven
// the lesson's way (stepCases). An example is the lesson's main server;
// the steps left out run a different server on purpose (a deliberately
// wrong Content-Length, a response with no length, a limit of 3) or are
// hidden from a tap (tapHidden), and are named here with the reason.
var exampleSteps = map[string]struct {
	steps []int
	flags map[int][]string // extra flags for a step's run
	why   string
}{
	"tcp-accept":     {steps: []int{1, 2, 3}},
	"client":         {steps: []int{2, 3, 4}, why: "step 1 needs the app's own client"},
	"ping-pong":      {steps: []int{2}, why: "steps 1 and 3 need the app's own client"},
	"byte-stream":    {steps: []int{3}, why: "steps 1 and 2 are about the server's own reads, hidden behind a tap"},
	"http-response":  {steps: []int{2, 3}, why: "step 1 needs the app's own client"},
	"content-length": {steps: []int{1}, why: "steps 2, 3 and 4 run a deliberately wrong length"},
	"http-request":   {steps: []int{1, 2, 3, 4}},
	"routing":        {steps: []int{1, 2, 3}},
	"concurrency":    {steps: []int{1, 2}, flags: map[int][]string{1: {"-one-at-a-time"}}},
	"keep-alive":     {steps: []int{1, 2, 3}, why: "step 4 answers without a length on purpose"},
	"timeouts":       {why: "every step's reason (idle, header timeout, limit) is the server's own, hidden behind a tap; TestExampleTimeoutsCutsSlowHeaders checks it directly"},
	"tls":            {steps: []int{1, 2}, why: "step 3 needs the built-in server's note of the decrypted request"},
	"websocket":      {steps: []int{1, 2, 3, 4}},
}

var listeningLine = regexp.MustCompile(`listening on (\S+)`)

// buildExamples compiles every example once into a temporary directory.
func buildExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// Only the examples themselves: every starter/ directory would build
	// to the same name.
	args := []string{"build", "-o", dir + string(os.PathSeparator)}
	for _, id := range lessons.IDs() {
		args = append(args, "../assets/examples/"+id)
	}
	cmd := exec.Command("go", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the examples: %v\n%s", err, out)
	}
	return dir
}

// runExample starts an example on a free port and returns its address:
// PORT=0 lets the kernel pick the port, and the example prints it.
func runExample(t *testing.T, bin string, flags ...string) string {
	t.Helper()
	cmd := exec.Command(bin, flags...)
	cmd.Env = append(os.Environ(), "PORT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	found := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if m := listeningLine.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		for lines.Scan() { // keep the pipe drained so the example never blocks
		}
	}()
	select {
	case addr := <-found:
		return addr
	case <-time.After(waitLimit):
		t.Fatalf("%s printed no listening line", bin)
		return ""
	}
}

// TestExamplesPassTheirLessons builds each example, runs it, and completes
// its lesson's steps against it through the tap, so no example can rot.
func TestExamplesPassTheirLessons(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs 11 programs")
	}
	bins := buildExamples(t)
	c := loadEN(t)
	for _, l := range c.Lessons {
		plan, ok := exampleSteps[l.ID]
		if !ok {
			t.Errorf("lesson %s has no entry in exampleSteps", l.ID)
			continue
		}
		if lessons.Example(l.ID) == "" {
			t.Errorf("lesson %s has no example program", l.ID)
		}
		for _, n := range plan.steps {
			key := fmt.Sprintf("%s/%d", l.ID, n)
			step := l.Steps[n-1]
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				target := runExample(t, filepath.Join(bins, l.ID), plan.flags[n]...)
				r := newTapRigFor(t, step, target)
				stepCases[key].way(t, r, step)
				if r.await(func() bool { return r.done }) != nil {
					t.Errorf("the %s example does not complete %s; tap events:\n%s", l.ID, key, r.dump())
				}
			})
		}
	}
}

// newTapRigFor puts a tap in front of any server, as tubes tap does.
func newTapRigFor(t *testing.T, step lessons.Step, target string) *rig {
	t.Helper()
	inbox := netcore.NewInbox(4096)
	tap := listen(t, defaultsAt("127.0.0.1:0"), netcore.Tap{Target: target}, inbox)
	return &rig{t: t, inbox: inbox, srv: tap, addr: lessons.Address{Host: "127.0.0.1", Port: tap.Port()},
		tracker: step.Goal.NewTracker(), doneBy: -1, side: netcore.FromTap}
}

// The timeouts example's defenses, checked directly: a header sent a byte
// at a time is cut after its 3 s header timeout, while the client is never
// idle.
func TestExampleTimeoutsCutsSlowHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real timeout")
	}
	bins := buildExamples(t)
	addr := runExample(t, filepath.Join(bins, "timeouts"))
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nX-Slow: "))
	closed := make(chan struct{})
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				close(closed)
				return
			}
		}
	}()
	for {
		select {
		case <-closed:
			if took := time.Since(start); took < 2*time.Second || took > 6*time.Second {
				t.Errorf("cut after %s, want about 3s", took)
			}
			return
		case <-time.After(500 * time.Millisecond):
			if _, err := c.Write([]byte("z")); err != nil && !strings.Contains(err.Error(), "reset") {
				t.Logf("write: %v", err)
			}
			if time.Since(start) > 10*time.Second {
				t.Fatal("the slow header was never cut")
			}
		}
	}
}
