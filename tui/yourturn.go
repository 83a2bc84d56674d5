package tui

import (
	tea "charm.land/bubbletea/v2"
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
	jobs := m.build.Start(m.current().ID, text)
	if m.build.Running() {
		m.setStatus(m.t("build.running"), false)
	}
	return buildCmds(jobs)
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
	switch ev {
	case yourturn.Ended:
		m.setStatus("", false)
		if m.build.Passed() && m.currentStep().YourTurn() {
			m.d.Progress.MarkDone(m.current().ID, m.step)
			m.d.Progress.MarkBuilt(m.current().ID)
			return m.saveProgress(), true
		}
	case yourturn.Again:
		m.setStatus(m.t("build.running"), false)
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

// buildLines are the run's results for the lesson pane: each probe with
// its mark, the first failure's reason, or why the server is not there.
func (m *Model) buildLines() []string {
	b := m.build
	var out []string
	if b.Running() {
		out = append(out, m.st.statusWarn.Render(m.t("build.running")+" "+netcore.Quote(b.Last())))
	}
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
	for _, l := range b.Stderr() {
		out = append(out, m.st.dim.Render("  "+l))
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
