// Package tui is the Bubble Tea interface: one root model that owns the
// state and routes messages, and small panes that render to a size.
package tui

import (
	"net/netip"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/yourturn"
	"github.com/tubes-course/tubes/netcore"
)

// Deps is what main wires in. The model never opens sockets or files
// itself: it asks these, from commands that run off the UI goroutine.
type Deps struct {
	// Backend is the live server (NewLive) or a recording (NewReplay).
	Backend  Backend
	Course   *lessons.Course
	Store    *lessons.Store // nil: progress is not saved
	Progress lessons.Progress
	Addr     lessons.Address
	UI       map[string]string
	// Notice is shown once in the status line (e.g. a damaged progress file).
	Notice string
	// Plain glamour output, for --no-color and NO_COLOR.
	NoColor bool
	// URLs are the addresses others in the room can use, when the server
	// listens on every interface; empty on loopback.
	URLs []string
	// Contrast picks the high-contrast theme.
	Contrast bool
	// TextAddr is the address the lesson text names (the room's under
	// --lan); zero means Addr.
	TextAddr lessons.Address
	// Presenter turns on the clicker keys: pgdn/pgup change step, z blanks.
	Presenter bool
}

type focus int

const (
	focusLesson focus = iota
	focusEvents
	focusBytes
	paneCount
)

type overlay int

const (
	noOverlay overlay = iota
	helpOverlay
	listOverlay
	messageOverlay // the learner types into the input box (see inputFor)
	peersOverlay   // who is connected; pick one to filter the panes
	qrOverlay      // the URL as a QR code, for phones in the room
	eventOverlay   // one event whole (o)
	boardOverlay   // who did the step (b)
	lanHelpOverlay // what the room needs for --lan (L)
)

// Ring sizes: the panes' memory is bounded by these.
const (
	eventRows  = 4096
	byteBlocks = 1024
)

// flushEvery is how often queued events are drained while traffic flows.
const flushEvery = 33 * time.Millisecond

// Model is the root model.
type Model struct {
	d    Deps
	keys keyMap
	st   styles
	help help.Model
	lay  layout // from the last tea.WindowSizeMsg

	lesson, step int
	tracker      lessons.Tracker
	own          lessons.OwnClients
	hints        int

	events   *ring[netcore.Event]
	chunks   *ring[*chunk]
	paused   bool
	pausedAt uint64 // ring totals when paused: the view stops there
	pausedCh uint64
	folded   uint64
	totals   netcore.Totals
	ticking  bool

	focus   focus
	overlay overlay

	lessonView lessonPane
	eventsView eventsPane
	bytesView  bytesPane

	// The overlays, one open at a time (overlay says which).
	keysBox    keysPanel
	lessonsBox lessonsPanel
	inputBox   inputPanel
	peersBox   peersPanel
	qrBox      qrPanel
	eventBox   eventPanel
	boardBox   boardPanel

	brd      board                 // who did the current step
	mine     ownIPs                // the app's own client's addresses
	rawNames map[netip.Addr]string // as the room gave them
	names    map[netip.Addr]string // escaped for the screen
	qrIndex  int                   // which room URL the code shows
	blank    bool                  // --presenter's z: the screen is blanked
	clearAsk bool                  // the who-panel asks before clearing

	peers       peerTable
	filter      netip.Addr // show only this peer's events (zero: everyone)
	lastTarget  string
	build       *yourturn.Run // the Your-turn step's check (yourturn.go)
	status      string
	statusIsErr bool
	busy        bool
	saveVersion uint64

	actionSeq    uint64 // the running action's number (see actionDoneMsg)
	cancelAction func() // stops the running action
}

// New builds the root model at the lesson and step in d.Progress.
func New(d Deps) *Model {
	m := &Model{d: d, events: newRing[netcore.Event](eventRows), chunks: newRing[*chunk](byteBlocks)}
	m.keys = newKeyMap(m.t)
	caps := d.Backend.Caps()
	m.keys.Yours.SetEnabled(caps.Has(CanTap))
	m.keys.Hold.SetEnabled(caps.Has(CanPresent))
	m.keys.Slow.SetEnabled(caps.Has(CanPresent))
	m.keys.Step.SetEnabled(caps.Has(CanPlayback))
	for _, k := range []*key.Binding{&m.keys.RecNext, &m.keys.RecPrev, &m.keys.Speed, &m.keys.Skip, &m.keys.Again} {
		k.SetEnabled(caps.Has(CanPlayback))
	}
	m.keys.Blank.SetEnabled(d.Presenter)
	m.keys.Block.SetEnabled(caps.Has(CanPresent))
	if m.d.TextAddr == (lessons.Address{}) {
		m.d.TextAddr = d.Addr
	}
	if m.d.TextAddr.Reach == "" {
		m.d.TextAddr.Reach = m.t("reach.local")
	}
	m.mine = newOwnIPs(d.Addr)
	m.st = newStyles(true, d.Contrast)
	m.help = help.New()
	m.applyHelpStyles()
	style := "dark"
	if d.NoColor {
		style = "notty"
	} else if d.Contrast {
		style += contrastSuffix
	}
	m.lessonView = newLessonPane(style)
	m.build = m.newBuild()
	m.inputBox = newInputPanel()
	m.status = d.Notice
	m.lastTarget = d.Backend.Target()
	if m.lastTarget == "" {
		m.lastTarget = "localhost:8080"
	}
	if i := d.Course.Find(d.Progress.Lesson); i >= 0 {
		m.lesson = i
		m.step = min(max(d.Progress.Step, 0), len(d.Course.Lessons[i].Steps)-1)
	}
	m.enterStep()
	return m
}

// t looks up an interface string.
func (m *Model) t(k string) string {
	if s, ok := m.d.UI[k]; ok {
		return s
	}
	return k
}

// Init starts waiting for network events and asks the terminal's colours.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.waitForEvents(), tea.RequestBackgroundColor)
}

func (m *Model) current() lessons.Lesson { return m.d.Course.Lessons[m.lesson] }

func (m *Model) currentStep() lessons.Step { return m.current().Steps[m.step] }

func (m *Model) stepDone() bool { return m.d.Progress.IsDone(m.current().ID, m.step) }

// enterStep makes the current step live: its server behavior, a fresh
// check, no hints shown.
func (m *Model) enterStep() {
	m.stopAction()
	m.stopBuild()
	s := m.currentStep()
	m.d.Backend.SetBehavior(s.Behavior)
	m.d.Backend.ShowStep(m.current(), m.step)
	m.tracker = s.Goal.NewTracker()
	m.brd.reset(s)
	for ip := range m.names {
		m.brd.join(ip) // a named student is on the board before any traffic
	}
	m.hints = 0
	m.lessonView.offset, m.lessonView.side = 0, 0
	m.d.Progress.Lesson = m.current().ID
	m.d.Progress.Step = m.step
	m.keys.Enter.SetHelp("enter", m.t("key.enter."+s.Action.Label))
	acts := m.d.Backend.Caps().Has(CanAct)
	m.keys.Enter.SetEnabled(acts && (!s.Action.None() || s.YourTurn()))
	m.keys.Message.SetEnabled(acts && s.Action.TakesMessage)
}

// applyHelpStyles draws the key line in the theme's colours: the help
// model's own greys are too faint for a projector.
func (m *Model) applyHelpStyles() {
	if !m.d.Contrast {
		return
	}
	hs := &m.help.Styles
	hs.ShortKey, hs.FullKey = m.st.statusKey, m.st.statusKey
	hs.ShortDesc, hs.FullDesc = m.st.status, m.st.status
	hs.ShortSeparator, hs.FullSeparator, hs.Ellipsis = m.st.status, m.st.status, m.st.status
}
