package tui

import (
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// peersPanel is the "who is connected" panel (w): pick a peer to filter
// the panes to. Row 0 is everyone. It keeps the rows it shows, so the
// cursor and enter refer to the same peer the learner sees.
type peersPanel struct {
	list  list
	peers []*peer
}

func (o *peersPanel) open(peers []*peer, rows int) {
	o.list = list{}
	o.refresh(peers, rows)
}

// refresh takes the peers as they are now; the cursor stays on the peer
// it was on, wherever the new order puts it.
func (o *peersPanel) refresh(peers []*peer, rows int) {
	on := o.selected()
	o.peers = peers
	o.list.setSize(len(peers)+1, rows)
	i := 0
	for j, p := range peers {
		if on.IsValid() && p.ip == on {
			i = j + 1
		}
	}
	if on.IsValid() && i == 0 { // gone: stay about where it was
		i = o.list.cursor
	}
	o.list.moveTo(i)
}

// selected is the peer under the cursor; the zero Addr is everyone.
func (o peersPanel) selected() netip.Addr {
	if c := o.list.cursor; c > 0 && c <= len(o.peers) {
		return o.peers[c-1].ip
	}
	return netip.Addr{}
}

// key handles msg; chosen says the learner picked selected().
func (o *peersPanel) key(msg tea.KeyPressMsg, k keyMap) (chosen, closed bool) {
	switch {
	case key.Matches(msg, k.Close, k.Peers, k.Quit):
		return false, true
	case key.Matches(msg, k.Choose):
		return true, true
	}
	o.list.update(msg, k)
	return false, false
}

func (o peersPanel) view(st styles, t func(string) string, width int, label func(netip.Addr) string, asking bool) string {
	var b strings.Builder
	b.WriteString(st.bold.Render(t("peers.title")) + "\n")
	head := fmt.Sprintf("  %-22s %4s %4s %4s %8s %8s  %s", t("peers.who"), t("peers.open"), t("peers.closed"), t("peers.refused"), "→", "←", "User-Agent")
	b.WriteString(st.dim.Render(ansi.Truncate(head, max(20, width-8), "…")) + "\n")
	from, to := o.list.window()
	for i := from; i < to; i++ {
		row := t("peers.all")
		if i > 0 {
			p := o.peers[i-1]
			ua := p.userAgent
			if ua == "" {
				ua = "-"
			}
			row = fmt.Sprintf("%-22s %4d %4d %4d %8s %8s  %s", ansi.Truncate(label(p.ip), 22, "…"), p.open, p.conns-p.open, p.refused,
				humanBytes(p.in), humanBytes(p.out), ua)
		}
		row = ansi.Truncate(row, max(20, width-8), "…")
		mark, style := "  ", st.listPlain
		if i == o.list.cursor {
			mark, style = "▸ ", st.listCursor
		}
		b.WriteString(style.Render(mark+row) + "\n")
	}
	if pos := o.list.position(); pos != "" {
		b.WriteString(st.dim.Render("  "+pos) + "\n")
	}
	if asking {
		b.WriteString("\n" + st.statusWarn.Render(ansi.Wordwrap(t("peers.clearask"), max(20, width-8), "")))
	} else {
		b.WriteString("\n" + st.dim.Render(ansi.Wordwrap(t("peers.help"), max(20, width-8), "")))
	}
	return st.overlay.Render(b.String())
}
