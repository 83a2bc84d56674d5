package tui

import (
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// boardPanel is the board (b): every student of the room and whether they
// did the current step, with the count. The rows are taken when it opens
// and as traffic comes, in a stable order (by name, else address).
type boardPanel struct {
	list list
	rows []netip.Addr
}

func (o *boardPanel) refresh(rows []netip.Addr, room int) {
	o.rows = rows
	o.list.setSize(len(rows), room)
}

func (o *boardPanel) key(msg tea.KeyPressMsg, k keyMap) (closed bool) {
	if key.Matches(msg, k.Close, k.Board, k.Quit) {
		return true
	}
	o.list.update(msg, k)
	return false
}

func (o boardPanel) view(st styles, t func(string) string, b *board, label func(netip.Addr) string, where string, width int) string {
	var s strings.Builder
	s.WriteString(st.bold.Render(t("board.title")+" · "+where) + "\n")
	if b.demo {
		s.WriteString(st.statusWarn.Render(ansi.Wordwrap(t("board.demo"), max(20, width-8), "")) + "\n")
		s.WriteString("\n" + st.dim.Render(ansi.Wordwrap(t("board.help"), max(20, width-8), "")))
		return st.overlay.Render(s.String())
	}
	done, total := b.count()
	s.WriteString(st.statusKey.Render(fmt.Sprintf(t("board.count"), done, total)) + "\n\n")
	if total == 0 {
		s.WriteString(st.dim.Render(ansi.Wordwrap(t("board.empty"), max(20, width-8), "")) + "\n")
	}
	from, to := o.list.window()
	for i := from; i < to; i++ {
		ip := o.rows[i]
		mark, style := "○ ", st.todo
		if stu := b.students[ip]; stu != nil && stu.done {
			mark, style = "✓ ", st.done
		}
		s.WriteString(style.Render(ansi.Truncate(mark+label(ip), max(20, width-12), "…")) + "\n")
	}
	if pos := o.list.position(); pos != "" {
		s.WriteString(st.dim.Render(pos) + "\n")
	}
	s.WriteString("\n" + st.dim.Render(ansi.Wordwrap(t("board.help"), max(20, width-8), "")))
	return st.overlay.Render(s.String())
}
