package tui

// Below min the panes cannot be read; from wideWidth on they sit side by
// side; from stack on the lesson sits above the live traffic; in between,
// one pane at a time under tabs.
const (
	minWidth    = 60
	minHeight   = 20
	wideWidth   = 100
	stackWidth  = 80
	stackHeight = 24
)

// rect is a box of cells on the screen, from its top left corner.
type rect struct{ x, y, w, h int }

// inner is the size inside a pane's frame.
func (r rect) inner() (w, h int) { return max(0, r.w-2), max(0, r.h-2) }

// layout is where everything goes at one window size. It is computed once
// per tea.WindowSizeMsg and read by Update (paging, clamping, list
// heights) and View alike, so the two cannot disagree.
type layout struct {
	width, height int
	tooSmall      bool
	wide          bool
	stacked       bool // the lesson above, events and bytes side by side below
	body          rect // everything above the status and help lines
	tabs          rect // the narrow layout's tab row; zero when wide
	panes         [paneCount]rect
	status, help  rect
	// Overlay boxes are centred in the body; box is the most one may take,
	// border included, and listRows the rows a list inside one may show.
	box      rect
	listRows int
	inputW   int // the message box's input field
}

// overlayChrome is what an overlay box adds around its content: border
// and padding across, border down; then its title, a blank, a blank and
// its help line around a list.
const (
	overlayChromeW = 4
	overlayChromeH = 2
	overlayListPad = 4
)

func computeLayout(w, h int) layout {
	l := layout{width: w, height: h}
	if w < minWidth || h < minHeight {
		l.tooSmall = true
		return l
	}
	l.wide = w >= wideWidth
	l.body = rect{0, 0, w, h - 2}
	l.status = rect{0, h - 2, w, 1}
	l.help = rect{0, h - 1, w, 1}
	if l.wide {
		// The lesson takes the left 45%; events the top 40% of the right.
		leftW := w * 45 / 100
		evH := max(5, l.body.h*2/5)
		l.panes[focusLesson] = rect{0, 0, leftW, l.body.h}
		l.panes[focusEvents] = rect{leftW, 0, w - leftW, evH}
		l.panes[focusBytes] = rect{leftW, evH, w - leftW, l.body.h - evH}
	} else if w >= stackWidth && h >= stackHeight {
		// The lesson on top; the live traffic below, events on the left.
		l.stacked = true
		lessonH := max(6, l.body.h*3/5)
		evW := w * 55 / 100
		live := l.body.h - lessonH
		l.panes[focusLesson] = rect{0, 0, w, lessonH}
		l.panes[focusEvents] = rect{0, lessonH, evW, live}
		l.panes[focusBytes] = rect{evW, lessonH, w - evW, live}
	} else {
		// One pane at a time under a row of tabs.
		l.tabs = rect{0, 0, w, 1}
		for f := range l.panes {
			l.panes[f] = rect{0, 1, w, l.body.h - 1}
		}
	}
	l.box = rect{2, 0, w - 4, l.body.h}
	l.listRows = max(1, l.box.h-overlayChromeH-overlayListPad)
	l.inputW = min(60, w-10)
	return l
}
