// idlebase is the yardstick for tubes' idle CPU (.ci/perf/idle.sh): the
// smallest Bubble Tea program with tubes' kind of screen. It draws one
// full-screen frame in the alternate screen and then waits for keys,
// with no ticks of its own, so whatever CPU it uses at idle is Bubble
// Tea's own renderer. q quits.
package main

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
)

type model struct{ w, h int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m model) View() tea.View {
	var b strings.Builder
	for y := 0; y < m.h; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("·", m.w))
	}
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}

func main() {
	if _, err := tea.NewProgram(model{}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
