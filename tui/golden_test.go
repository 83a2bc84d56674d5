package tui

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/tubes-course/tubes/lessons"
)

// TestGoldenFirstSteps runs the real Bubble Tea program on each lesson's
// first step, in every language, at 80×24 and 120×40, and compares the
// screen with testdata/TestGoldenFirstSteps/*.golden (go test ./tui
// -update rewrites them). The port the OS picked is replaced by PPPPP.
// Wide characters must keep every border in its column.
func TestGoldenFirstSteps(t *testing.T) {
	for _, lang := range lessons.Languages() {
		for _, id := range lessons.IDs() {
			for _, size := range [][2]int{{80, 24}, {120, 40}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", lang, id, size[0], size[1]), func(t *testing.T) {
					t.Parallel()
					r := newRigLang(t, lang, id)
					tm := teatest.NewTestModel(t, r.m,
						teatest.WithInitialTermSize(size[0], size[1]),
						teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
					// The first frame means the window size has been applied.
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return len(b) > 0 },
						teatest.WithDuration(10*time.Second))
					if err := tm.Quit(); err != nil {
						t.Fatal(err)
					}
					final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
					screen := hidePort(ansi.Strip(final.screen()), strconv.Itoa(r.server.Port()))
					for i, line := range strings.Split(screen, "\n") {
						if w := ansi.StringWidth(line); w > size[0] {
							t.Errorf("line %d is %d cells, wider than %d: %q", i, w, size[0], line)
						}
					}
					golden.RequireEqual(t, []byte(screen))
				})
			}
		}
	}
}

// hidePort replaces the port the OS picked by P's, also where a line was
// cut with … in the middle of it, so the golden does not depend on it.
func hidePort(screen, port string) string {
	screen = strings.ReplaceAll(screen, port, strings.Repeat("P", len(port)))
	for n := len(port) - 1; n > 0; n-- {
		screen = strings.ReplaceAll(screen, port[:n]+"…", strings.Repeat("P", n)+"…")
	}
	return screen
}
