package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// The re-run on save in the real program, with a real learner's server
// and real file events: a server that answers no HTTP fails, the file is
// rewritten as the lesson's solution, and the check runs again by itself
// (no second enter), every probe passes and the step is done; quitting
// stops the server.
func TestYourTurnReRunsOnSaveInTheProgram(t *testing.T) {
	need(t, "node")
	r := newRig(t, "http-response")
	r.m.goTo(r.m.lesson, len(r.m.current().Steps)-1)
	if !r.m.currentStep().YourTurn() {
		t.Fatal("the last step is not Your turn")
	}
	t.Cleanup(r.m.stopBuild) // whatever happens, the learner's server goes
	file := writeServer(t, t.TempDir(), []byte(brokenHTTP))
	solution, err := os.ReadFile(filepath.Join("..", "assets", "examples", "http-response", "server.mjs"))
	if err != nil {
		t.Fatal(err)
	}

	tm := teatest.NewTestModel(t, r.m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	out := &screenLog{r: tm.Output()}
	out.waitFor(t, "the Your-turn step", "Your turn")
	tm.Send(keyEnter)
	out.waitFor(t, "the command box", r.m.t("build.title"))
	for _, c := range "node " + file {
		tm.Send(keyRune(c))
	}
	tm.Send(keyEnter)
	out.waitFor(t, "the failing check's counts", "3 failed")
	tm.Send(keyRune('G')) // the list, after the step's text
	out.waitFor(t, "a failed probe", "✗ a valid status line")
	out.waitFor(t, "the first failure's reason", r.m.t("build.reason"))

	// An editor's save: the solution replaces the broken server.
	if err := os.WriteFile(file, solution, 0o644); err != nil {
		t.Fatal(err)
	}
	// One frame: the header says done above the counts.
	out.waitFor(t, "the step done", "Step done")
	out.waitFor(t, "the re-run's counts", "6 passed, 0 failed")
	tm.Send(keyRune('q'))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if !final.stepDone() || !final.d.Progress.Built("http-response") {
		t.Error("the re-run passed but the step is not done or the lesson not built")
	}
	if final.build.Process() != nil || final.d.Backend.Target() != "" {
		t.Error("quitting left the learner's server or the tap")
	}
}
