package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the app knows. The help line and the ? screen are
// built from it, so a key and its help cannot drift apart.
type keyMap struct {
	Enter, Next, Prev, Focus, FocusBack, Up, Down, PageUp, PageDown, Home, End       key.Binding
	Hex, Hint, List, Pause, Clear, Help, Quit, Tab1, Tab2, Tab3                      key.Binding
	Close, Choose, Message, Example, ExampleCode, Yours, Peers, QR, Hold, Slow, Step key.Binding
	// A replay's jumps: next and previous recorded step, speed, skip a
	// burst, play again.
	RecNext, RecPrev, Speed, Skip, Again key.Binding
	Left, Right, Copy, Open              key.Binding
	// Steps is n and p as one entry, for the help line only.
	Steps key.Binding
	// The classroom: the board, names or addresses, the --lan help, and in
	// the who-panel block and clear; with --presenter, blank and the
	// clicker's page keys.
	Board, Addrs, LANHelp, Block, Blank, Yes key.Binding
}

func newKeyMap(t func(string) string) keyMap {
	b := func(keys []string, label, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, t(desc)))
	}
	return keyMap{
		Enter:       b([]string{"enter"}, "enter", "key.enter.connect"),
		Next:        b([]string{"n", "right"}, "n/→", "key.next"),
		Prev:        b([]string{"p", "left"}, "p/←", "key.prev"),
		Focus:       b([]string{"tab"}, "tab", "key.focus"),
		FocusBack:   b([]string{"shift+tab"}, "shift+tab", "key.focusback"),
		Up:          b([]string{"up", "k"}, "↑/k", "key.scroll"),
		Down:        b([]string{"down", "j"}, "↓/j", "key.scroll"),
		PageUp:      b([]string{"pgup"}, "pgup", "key.page"),
		PageDown:    b([]string{"pgdown"}, "pgdn", "key.page"),
		Home:        b([]string{"home", "g"}, "home/g", "key.first"),
		End:         b([]string{"end", "G"}, "end/G", "key.last"),
		Hex:         b([]string{"x"}, "x", "key.hex"),
		Hint:        b([]string{"h"}, "h", "key.hint"),
		List:        b([]string{"l"}, "l", "key.list"),
		Pause:       b([]string{"space"}, "space", "key.pause"),
		Clear:       b([]string{"c"}, "c", "key.clear"),
		Help:        b([]string{"?"}, "?", "key.help"),
		Quit:        b([]string{"q", "ctrl+c"}, "q", "key.quit"),
		Tab1:        b([]string{"1"}, "1/2/3", "key.tabs"),
		Tab2:        b([]string{"2"}, "2", "key.tabs"),
		Tab3:        b([]string{"3"}, "3", "key.tabs"),
		Close:       b([]string{"esc"}, "esc", "key.close"),
		Choose:      b([]string{"enter"}, "enter", "key.choose"),
		Message:     b([]string{"m"}, "m", "key.message"),
		Example:     b([]string{"e"}, "e", "key.example"),
		ExampleCode: b([]string{"v"}, "v", "key.examplecode"),
		Yours:       b([]string{"y"}, "y", "key.yours"),
		Peers:       b([]string{"w"}, "w", "key.peers"),
		QR:          b([]string{"u"}, "u", "key.qr"),
		Hold:        b([]string{"i"}, "i", "key.hold"),
		Slow:        b([]string{"s"}, "s", "key.slow"),
		Step:        b([]string{"."}, ".", "key.step"),
		Left:        b([]string{"<", "shift+left"}, "</>", "key.sideways"),
		Right:       b([]string{">", "shift+right"}, ">", "key.sideways"),
		Copy:        b([]string{"C"}, "C", "key.copy"),
		Open:        b([]string{"o"}, "o", "key.open"),
		Steps:       b([]string{"n", "p"}, "n/p", "key.steps"),
		Board:       b([]string{"b"}, "b", "key.board"),
		Addrs:       b([]string{"a"}, "a", "key.addrs"),
		LANHelp:     b([]string{"L"}, "L", "key.lanhelp"),
		Block:       b([]string{"d"}, "d", "key.block"),
		Blank:       b([]string{"z"}, "z", "key.blank"),
		Yes:         b([]string{"y"}, "y", "key.yes"),
		RecNext:     b([]string{"]"}, "[/]", "key.rec.steps"),
		RecPrev:     b([]string{"["}, "[", "key.rec.steps"),
		Speed:       b([]string{"f"}, "f", "key.rec.speed"),
		Skip:        b([]string{"J"}, "J", "key.rec.skip"),
		Again:       b([]string{"r"}, "r", "key.rec.again"),
	}
}

// shortHelp is the help line: the keys a learner needs most, most needed
// first, since a narrow window cuts the end.
func (k keyMap) shortHelp(tabs bool) []key.Binding {
	out := []key.Binding{k.Enter, k.Steps, k.Hint, k.Help, k.Quit, k.Focus}
	if tabs {
		out = append(out, k.Tab1)
	}
	return append(out, k.Message, k.Copy, k.Hex, k.List)
}

// fullHelp is the ? screen: two columns, so it fits an 80-column window.
func (k keyMap) fullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Enter, k.Message, k.Next, k.Prev, k.Hint, k.Copy, k.Example, k.ExampleCode, k.List, k.Yours, k.Focus, k.FocusBack, k.Tab1, k.Up, k.Down, k.PageUp, k.PageDown, k.Home},
		{k.End, k.Left, k.Open, k.Hex, k.Pause, k.Clear, k.Peers, k.Board, k.Addrs, k.QR, k.LANHelp, k.Hold, k.Slow, k.Step, k.RecNext, k.Speed, k.Skip, k.Again, k.Blank, k.Help, k.Quit},
	}
}
