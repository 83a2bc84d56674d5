package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
)

// The Your-turn step: enter asks for the command that starts the
// learner's server (or its address), tubes runs it with the tap in front,
// sends the lesson's probes through its own listener so the panes show
// every exchange, and marks the step done when nothing fails. A save in
// the command's directory runs it all again.

// buildState is the Your-turn step's run: at most one at a time.
type buildState struct {
	last    string // the last command or address used: the input's placeholder
	seq     int    // a message with an older seq is of a stopped run
	running bool
	ctx     context.Context
	cancel  context.CancelFunc // stops the process, the watch and the probes
	tapped  bool               // the tap is in front of the learner's server
	proc    *probe.Process
	rep     *probe.Report
	failure string   // why the server did not come up, escaped
	stderr  []string // its stderr tail, escaped
}

type buildStartedMsg struct {
	seq  int
	proc *probe.Process
	err  error
}

type buildReportMsg struct {
	seq int
	rep *probe.Report
	err error
}

type buildChangedMsg struct{ seq int }

// buildDebounce is how long saves must pause before a re-run: an editor
// writes a file in several steps.
const buildDebounce = 300 * time.Millisecond

// openBuild asks for the command, the last one used as the placeholder.
func (m *Model) openBuild() tea.Cmd {
	m.overlay = messageOverlay
	placeholder := m.build.last
	if placeholder == "" {
		placeholder = m.t("build.placeholder")
	}
	return m.inputBox.open(inputBuild, "", placeholder, m.lay.inputW)
}

// startBuild runs what the learner typed: an address is probed as it is,
// anything else is a command tubes starts in the current directory.
func (m *Model) startBuild(text string) tea.Cmd {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	m.stopBuild()
	m.build.last = text
	ctx, cancel := context.WithCancel(context.Background())
	m.build.ctx, m.build.cancel, m.build.running = ctx, cancel, true
	seq := m.build.seq
	m.setStatus(m.t("build.running"), false)
	if _, err := netcore.ParseTarget(text); err == nil {
		return m.watchAndProbe(ctx, seq, text)
	}
	return tea.Batch(func() tea.Msg {
		proc, err := probe.StartServer(ctx, text, ".")
		return buildStartedMsg{seq: seq, proc: proc, err: err}
	}, m.watchFiles(ctx, seq, text))
}

// watchFiles reports saves under the command's directory, debounced, for
// as long as ctx lives.
func (m *Model) watchFiles(ctx context.Context, seq int, command string) tea.Cmd {
	dir := commandDir(command)
	return func() tea.Msg {
		changed := make(chan struct{}, 1)
		go func() {
			_ = probe.Watch(ctx, []string{dir}, func() {
				select {
				case changed <- struct{}{}:
				default:
				}
			})
		}()
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		for { // wait for the saves to pause
			select {
			case <-ctx.Done():
				return nil
			case <-changed:
			case <-time.After(buildDebounce):
				return buildChangedMsg{seq: seq}
			}
		}
	}
}

// commandDir is the directory of the first file the command names that
// exists (node server.mjs → .), else the current one.
func commandDir(command string) string {
	for _, f := range strings.Fields(command)[1:] {
		if st, err := os.Stat(f); err == nil {
			if st.IsDir() {
				return f
			}
			return filepath.Dir(f)
		}
	}
	return "."
}

// watchAndProbe puts the tap in front of target and runs the probes
// through tubes' own listener, off the UI goroutine.
func (m *Model) watchAndProbe(ctx context.Context, seq int, target string) tea.Cmd {
	if err := m.d.Backend.Watch(target); err != nil {
		m.build.running = false
		m.build.failure = m.t("yours.bad") + " " + err.Error()
		if err == errOwnAddress {
			m.build.failure = m.t("yours.self") + " " + netcore.Quote(target)
		}
		return nil
	}
	m.build.tapped = true
	l := m.current()
	set, _ := lessons.Probes(l.ID)
	opt := probe.Options{Target: m.d.Addr.HostPort(), Lang: m.d.Course.Lang}
	return func() tea.Msg {
		rep, err := probe.Run(ctx, l.ID, set, opt)
		return buildReportMsg{seq: seq, rep: rep, err: err}
	}
}

// onBuildMsg takes a run's progress; it reports whether msg was one.
func (m *Model) onBuildMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case buildStartedMsg:
		if msg.seq != m.build.seq {
			if msg.proc != nil {
				msg.proc.Stop()
			}
			return nil, true
		}
		m.build.proc = msg.proc
		if msg.err != nil {
			m.build.running = false
			m.build.failure = netcore.EscapeText(msg.err.Error())
			if msg.proc != nil {
				m.build.stderr = escapeLines(msg.proc.Stderr())
				msg.proc.Stop()
				m.build.proc = nil
			}
			m.setStatus("", false)
			return nil, true
		}
		return m.watchAndProbe(m.build.ctx, msg.seq, msg.proc.Target()), true
	case buildReportMsg:
		if msg.seq != m.build.seq {
			return nil, true
		}
		m.build.running = false
		m.setStatus("", false)
		if msg.err != nil {
			m.build.failure = netcore.EscapeText(msg.err.Error())
			return nil, true
		}
		m.build.rep = msg.rep
		if p := m.build.proc; p != nil {
			select {
			case <-p.Exited():
				m.build.failure = m.t("build.exited") + " " + netcore.EscapeText(p.ExitStatus())
				m.build.stderr = escapeLines(p.Stderr())
			default:
			}
		}
		if msg.rep.Failed() == 0 && !msg.rep.NotRun && m.currentStep().YourTurn() {
			m.d.Progress.MarkDone(m.current().ID, m.step)
			m.d.Progress.MarkBuilt(m.current().ID)
			return m.saveProgress(), true
		}
		return nil, true
	case buildChangedMsg:
		if msg.seq != m.build.seq || !m.currentStep().YourTurn() {
			return nil, true
		}
		return m.startBuild(m.build.last), true
	}
	return nil, false
}

// stopBuild ends the run: the process, the watch, the probes, and the
// tap goes back to the lesson's server.
func (m *Model) stopBuild() {
	m.build.seq++
	if m.build.cancel != nil {
		m.build.cancel()
		m.build.cancel = nil
	}
	if m.build.proc != nil {
		m.build.proc.Stop()
		m.build.proc = nil
	}
	if m.build.tapped {
		_ = m.d.Backend.Watch("")
		m.build.tapped = false
	}
	m.build.running, m.build.rep, m.build.failure, m.build.stderr = false, nil, "", nil
}

func escapeLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, netcore.EscapeText(l))
	}
	return out
}

// verdictMarks are the lesson pane's marks of each verdict.
var verdictMarks = map[probe.Verdict]string{
	probe.VerdictPass: "✓", probe.VerdictFail: "✗", probe.VerdictWarn: "⚠", probe.VerdictSkip: "·",
}

// buildLines are the run's results for the lesson pane: each probe with
// its mark, the first failure's reason, or why the server is not there.
func (m *Model) buildLines() []string {
	b := m.build
	var out []string
	if b.running {
		out = append(out, m.st.statusWarn.Render(m.t("build.running")+" "+netcore.Quote(b.last)))
	}
	if b.rep != nil {
		first := ""
		for _, r := range b.rep.Results {
			v := r.Verdict()
			style := m.st.listPlain
			switch v {
			case probe.VerdictPass:
				style = m.st.done
			case probe.VerdictFail:
				style = m.st.errorText
				if first == "" {
					first = netcore.EscapeText(r.Reason)
				}
			}
			out = append(out, style.Render(verdictMarks[v]+" "+netcore.EscapeText(r.Name)))
		}
		if first != "" {
			out = append(out, m.st.errorText.Render(m.t("build.reason")+" "+first))
		}
	}
	if b.failure != "" {
		out = append(out, m.st.errorText.Render(b.failure))
	}
	for _, l := range b.stderr {
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
