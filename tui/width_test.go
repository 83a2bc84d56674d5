package tui

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/netcore"
)

// Characters whose width terminals disagree on must not push a pane's
// right border: the panes measure with ansi.StringWidth, as lipgloss does,
// and the escaping leaves on screen only characters whose width is the
// same whether a terminal clusters graphemes (ansi.StringWidth) or draws
// rune by rune (ansi.StringWidthWc).

// wideTricks are bytes whose drawn width depends on the terminal.
var wideTricks = []struct{ name, in, escaped string }{
	{"Hangul filler", "a\u3164b", `\u3164`},
	{"Hangul choseong filler", "a\u115fb", `\u115f`},
	{"Hangul jungseong filler", "\u1100\u1160b", `\u1160`},
	{"halfwidth Hangul filler", "a\uffa0b", `\uffa0`},
	{"skin-tone emoji", "ok 👍🏽 ok", `\U0001f3fd`},
	{"flag", "hi 🇰🇷 hi", `\U0001f1f0\U0001f1f7`},
	{"ZWJ family", "fam 👨‍👩‍👧 fam", `\u200d`},
	{"emoji presentation selector", "love ❤️ love", `\ufe0f`},
	{"keycap", "key #️⃣ key", `\ufe0f`},
	{"rainbow flag", "🏳️‍🌈", `\u200d`},
	{"conjoining jamo", "\u1100\u1161\u11a8", `\u1161\u11a8`},
}

// checkPaneLines fails unless every line of the panes' rows, from the
// line from on, is exactly w cells by both measures and ends in a right
// border.
func checkPaneLines(t *testing.T, screen string, w, from, rows int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) < rows {
		t.Fatalf("screen has %d lines, want at least %d", len(lines), rows)
	}
	for i := from; i < rows; i++ {
		line := lines[i]
		plain := ansi.Strip(line)
		if got := ansi.StringWidth(line); got != w {
			t.Errorf("line %d is %d cells wide (ansi.StringWidth), want %d: %q", i, got, w, plain)
		}
		if got := ansi.StringWidthWc(line); got != w {
			t.Errorf("line %d is %d cells wide drawn rune by rune (ansi.StringWidthWc), want %d: %q", i, got, w, plain)
		}
		if !strings.HasSuffix(plain, "│") && !strings.HasSuffix(plain, "╮") && !strings.HasSuffix(plain, "╯") {
			t.Errorf("line %d has no right border: %q", i, plain)
		}
	}
}

func TestWideTricksKeepPaneBorders(t *testing.T) {
	for _, hex := range []bool{false, true} {
		for _, width := range []int{100, 80} {
			r := newRig(t, "tcp-accept")
			const high = 60
			r.size(width, high)
			if hex {
				r.m.bytesView.mode = hexMode
			}
			r.press(keyRune('n')) // accept-only, long idle
			conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.server.Port())))
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range wideTricks {
				// Long enough to wrap, so the tricks land at line ends too.
				if _, err := conn.Write([]byte(strings.Repeat(tr.in, 12))); err != nil {
					t.Fatal(err)
				}
				if !hex { // each on screen escaped while it is the newest
					r.flushUntil(t, func() bool { return strings.Contains(ansi.Strip(r.m.screen()), tr.escaped) })
				}
				time.Sleep(2 * time.Millisecond)
			}
			conn.Close()
			r.flushUntil(t, func() bool { return sawClose(r.m) })
			for _, f := range []focus{focusEvents, focusBytes} {
				r.m.focus = f
				tabs := 0
				if r.m.lay.tabs.h > 0 {
					tabs = 1 // the narrow layout's tab line
				}
				checkPaneLines(t, r.m.screen(), width, tabs, high-2)
			}
		}
	}
}

// Whatever comes in, a pane line is its width, with its border.
func FuzzPaneWidth(f *testing.F) {
	for _, tr := range wideTricks {
		f.Add([]byte(tr.in))
	}
	for _, s := range []string{"안녕, 세상!", "e\u0301\u0301\u0301", "\u0301start", "🎉🎉🎉", "a\tb\r\n", "\x1b[2J", "\xff\xfe", "👍\U0001f3fd\U0001f3fd", "🇰🇷🇰"} {
		f.Add([]byte(s))
	}
	st := newStyles(true, false)
	f.Fuzz(func(t *testing.T, in []byte) {
		const w = 40
		for _, lines := range [][]string{textLines(st, in, w-2), hexLines(st, in, 0, w-2)} {
			framed := frame(st, "Bytes", false, lines, w, len(lines)+2)
			checkPaneLines(t, framed, w, 0, len(lines)+2)
		}
		line := netcore.Escape(in)
		if ansi.StringWidth(line) != ansi.StringWidthWc(line) {
			t.Errorf("Escape(%q) = %q is %d cells by graphemes but %d rune by rune", in, line, ansi.StringWidth(line), ansi.StringWidthWc(line))
		}
	})
}

// sawClose says the server's close of the connection reached the model.
func sawClose(m *Model) bool {
	n := m.events.visible(^uint64(0))
	for i := 0; i < n; i++ {
		if e := m.events.at(i); e.Source == netcore.FromServer && e.Kind == netcore.Closed {
			return true
		}
	}
	return false
}
