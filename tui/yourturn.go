package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// The Your-turn step: enter asks for the command that starts the
// learner's server (or its address), and a yourturn.Run does the rest:
// the process, the tap, the probes through tubes' own listener, and a
// re-run after each save. Here it is only asked for and shown.

// newBuild is the model's Your-turn run; the tap it moves is the
// backend's.
func (m *Model) newBuild() *yourturn.Run {
	return yourturn.New(yourturn.Host{
		Tap:     m.d.Backend.Watch,
		Through: m.d.Addr.HostPort(),
		Lang:    m.d.Course.Lang,
		UI:      m.d.UI,
	})
}

// openBuild asks for the command, the last one used as the placeholder.
func (m *Model) openBuild() tea.Cmd {
	m.overlay = messageOverlay
	placeholder := m.build.Last()
	if placeholder == "" {
		placeholder = m.t("build.placeholder")
	}
	return m.inputBox.open(inputBuild, "", placeholder, m.lay.inputW)
}

// startBuild runs what the learner typed (empty: the last one again).
func (m *Model) startBuild(text string) tea.Cmd {
	// No status line of its own: the header's run line says it checks.
	return buildCmds(m.build.Start(m.current().ID, text))
}

// buildCmds runs a Run's jobs as the program's commands.
func buildCmds(jobs []yourturn.Job) tea.Cmd {
	var cmds []tea.Cmd
	for _, j := range jobs {
		cmds = append(cmds, func() tea.Msg { return j() })
	}
	return tea.Batch(cmds...)
}

// onBuildMsg takes a run's progress; it reports whether msg was one.
func (m *Model) onBuildMsg(msg tea.Msg) (tea.Cmd, bool) {
	ym, ok := msg.(yourturn.Msg)
	if !ok {
		return nil, false
	}
	jobs, ev := m.build.Handle(ym)
	if ev == yourturn.Ended && m.build.Passed() && m.currentStep().YourTurn() {
		m.d.Progress.MarkDone(m.current().ID, m.step)
		m.d.Progress.MarkBuilt(m.current().ID)
		return tea.Batch(buildCmds(jobs), m.saveProgress()), true
	}
	return buildCmds(jobs), true
}

// stopBuild ends the run: the process, the watch, the probes, and the
// tap goes back to the lesson's server.
func (m *Model) stopBuild() { m.build.Stop() }

// verdictMarks are the lesson pane's marks of each verdict.
var verdictMarks = map[probe.Verdict]string{
	probe.VerdictPass: "✓", probe.VerdictFail: "✗", probe.VerdictWarn: "⚠", probe.VerdictSkip: "·",
}

// buildHead is the run's line in the lesson pane's header: that it runs,
// or the counts, so a long list never takes the room of the step's text.
func (m *Model) buildHead() []string {
	b := m.build
	switch {
	case b.Running():
		return []string{m.st.statusWarn.Render(m.t("build.running") + " " + netcore.Quote(b.Last()))}
	case b.Report() != nil:
		n := b.Counts()
		sum := fmt.Sprintf(m.t("build.summary"), n[probe.VerdictPass], n[probe.VerdictFail], n[probe.VerdictWarn], n[probe.VerdictSkip])
		if b.Passed() {
			return []string{m.st.done.Render(verdictMarks[probe.VerdictPass] + " " + sum + " " + m.t("build.below"))}
		}
		return []string{m.st.errorText.Render(verdictMarks[probe.VerdictFail] + " " + sum + " " + m.t("build.below"))}
	case b.Failure() != "":
		return []string{m.st.errorText.Render(m.t("build.notrun"))}
	}
	return nil
}

// buildBody is the run's results after the step's text, wrapped to w: a
// title, each probe with its mark, the first failure's reason, why the
// server is not there and its stderr tail.
func (m *Model) buildBody(w int) []string {
	lines := m.buildLines()
	if len(lines) == 0 {
		return nil
	}
	// Indented as the text is, so the list reads as part of the step.
	const margin = "  "
	out := []string{"", margin + m.st.bold.Render(m.t("build.results"))}
	for _, l := range lines {
		for _, row := range strings.Split(ansi.Wordwrap(l, max(1, w-len(margin)), ""), "\n") {
			out = append(out, margin+row)
		}
	}
	return out
}

// buildLines are the run's results: each probe with its mark, the first
// failure's reason, or why the server is not there.
func (m *Model) buildLines() []string {
	b := m.build
	var out []string
	for _, l := range b.Lines() {
		style := m.st.listPlain
		switch l.Verdict {
		case probe.VerdictPass:
			style = m.st.done
		case probe.VerdictFail:
			style = m.st.errorText
		}
		out = append(out, style.Render(verdictMarks[l.Verdict]+" "+l.Name))
	}
	if reason := b.Reason(); reason != "" {
		out = append(out, m.st.errorText.Render(m.t("build.reason")+" "+reason))
	}
	if f := b.Failure(); f != "" {
		out = append(out, m.st.errorText.Render(f))
	}
	if tail := b.Stderr(); len(tail) > 0 {
		out = append(out, m.st.dim.Render(m.t("build.stderr")))
		for _, l := range tail {
			out = append(out, m.st.dim.Render("  "+l))
		}
	}
	return out
}

// examplePort is the port the example's command names: the solutions'
// default, 3001, unless tubes itself listens there.
func (m *Model) examplePort() string {
	if m.d.Addr.Port == 3001 {
		return "3002"
	}
	return "3001"
}
