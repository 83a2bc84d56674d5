package tui

import (
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// sendFrom is send from a chosen loopback address, so that each call is a
// different peer of the room.
func sendFrom(t *testing.T, from netip.Addr, addr, msg string) {
	t.Helper()
	d := net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: from.AsSlice()}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, c)
}

// selectedRow is the overlay row under the cursor mark, "" if none shows.
func selectedRow(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if i := strings.Index(line, "▸ "); i >= 0 {
			return strings.TrimSpace(strings.Trim(line[i+len("▸ "):], "│ "))
		}
	}
	return ""
}

// 60 peers do not fit a 24-row window: the panel scrolls with its cursor,
// and enter filters to the peer that was shown under it.
func TestPeersPanelScrollsWithItsCursor(t *testing.T) {
	r := newRig(t, "http-response")
	r.size(80, 24)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port()))
	for i := 1; i <= 60; i++ {
		sendFrom(t, netip.AddrFrom4([4]byte{127, 0, 1, byte(i)}), addr, curlGet)
	}
	r.flushUntil(t, func() bool { return len(r.m.peers.byHost) == 60 && r.m.totals.Accepted == 60 })
	r.press(keyRune('w'))
	var shown string
	for i := 0; i < 40; i++ {
		r.press(keyRune('j'))
		screen := ansi.Strip(r.m.screen())
		if shown = selectedRow(screen); shown == "" {
			t.Fatalf("after %d downs the selected row is not on screen:\n%s", i+1, screen)
		}
		for n, line := range strings.Split(screen, "\n") {
			if w := ansi.StringWidth(line); n >= 24 || w > 80 {
				t.Fatalf("the panel does not fit 80×24 (line %d, %d cells)", n, w)
			}
		}
	}
	host := strings.Fields(shown)[0]
	r.press(keyEnter)
	if r.m.filter.String() != host {
		t.Fatalf("enter filtered to %q, the row shown was %q", r.m.filter, host)
	}
}

// The list component: the cursor stays in the window whatever moves it.
func TestListKeepsTheCursorVisible(t *testing.T) {
	var l list
	l.setSize(100, 10)
	check := func(what string) {
		t.Helper()
		if l.cursor < l.offset || l.cursor >= l.offset+l.height || l.cursor < 0 || l.cursor >= l.n {
			t.Fatalf("%s: cursor %d outside rows %d..%d of %d", what, l.cursor, l.offset, l.offset+l.height-1, l.n)
		}
	}
	keys := newKeyMap(func(s string) string { return s })
	for i, k := range []tea.KeyPressMsg{
		{Code: tea.KeyDown}, {Code: tea.KeyPgDown}, {Code: tea.KeyPgDown}, {Code: tea.KeyEnd},
		{Code: tea.KeyPgUp}, {Code: tea.KeyUp}, {Code: tea.KeyHome}, {Code: tea.KeyUp},
	} {
		if !l.update(k, keys) {
			t.Fatalf("key %d (%s) not taken by the list", i, k)
		}
		check(k.String())
	}
	if l.cursor != 0 {
		t.Fatalf("home then up: cursor %d", l.cursor)
	}
	l.update(tea.KeyPressMsg{Code: tea.KeyEnd}, keys)
	l.setSize(5, 10) // the rows went away under the cursor
	check("shrunk")
	l.setSize(5, 2) // and the window
	check("short")
}
