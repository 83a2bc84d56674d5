package tui

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"

	"github.com/charmbracelet/x/ansi"
	"rsc.io/qr"
)

// The drawn code is the encoder's code: reading the half blocks back gives
// every module, dark where the encoder says dark, on either background.
func TestQRDrawingMatchesTheCode(t *testing.T) {
	const url = "http://192.168.1.20:3000/"
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	for _, dark := range []bool{true, false} {
		lines, err := qrLines(url, dark)
		if err != nil {
			t.Fatal(err)
		}
		n := code.Size + 4
		if len(lines) != (n+1)/2 {
			t.Fatalf("%d rows for %d modules", len(lines), n)
		}
		for row, line := range lines {
			cells := []rune(line)
			if len(cells) != 2*n {
				t.Fatalf("row %d is %d cells, want %d", row, len(cells), 2*n)
			}
			for x := 0; x < n; x++ {
				if cells[2*x] != cells[2*x+1] {
					t.Fatalf("module %d,%d is not two columns wide", x, row)
				}
				top := cells[2*x] == '█' || cells[2*x] == '▀'
				bottom := cells[2*x] == '█' || cells[2*x] == '▄'
				for i, inked := range []bool{top, bottom} {
					y := 2*row + i
					if y >= n {
						continue
					}
					mx, my := x-2, y-2
					isDark := mx >= 0 && my >= 0 && mx < code.Size && my < code.Size && code.Black(mx, my)
					if inked != (isDark != dark) {
						t.Fatalf("dark=%v: module %d,%d drawn wrong", dark, mx, my)
					}
				}
			}
		}
	}
}

func TestQRKeyShowsTheURL(t *testing.T) {
	r := newRig(t, "tcp-accept")
	r.size(120, 40)
	r.m.d.URLs = []string{"http://192.168.1.20:3000/", "http://10.0.0.5:3000/"}
	r.press(keyRune('u'))
	screen := ansi.Strip(r.m.screen())
	if !strings.Contains(screen, "http://192.168.1.20:3000/") || !strings.Contains(screen, "█") {
		t.Fatalf("u should show the room URL and its code:\n%s", screen)
	}
	if !strings.Contains(screen, "open to the room: http://192.168.1.20:3000/ (+1)") {
		t.Errorf("the status line should say others can connect:\n%s", screen)
	}
	r.press(keyEsc)
	if r.m.overlay != noOverlay {
		t.Fatal("esc should close the code")
	}
}

// The peers view lists who connected, with the User-Agent of HTTP peers,
// and picking one filters both panes to that peer.
func TestPeersViewFiltersThePanes(t *testing.T) {
	r := newRig(t, "http-response")
	r.size(160, 60)
	port := strconv.Itoa(r.server.Port())
	send(t, net.JoinHostPort("127.0.0.1", port), curlGet, true)
	send(t, net.JoinHostPort("::1", port), browserGet, true)
	r.flushUntil(t, func() bool { return len(r.m.peers.byHost) == 2 && r.m.totals.Accepted == 2 && r.m.events.total >= 8 })
	r.press(keyRune('w'))
	screen := ansi.Strip(r.m.screen())
	for _, want := range []string{"127.0.0.1", "::1", "curl/8.5.0", "Mozilla/5.0"} {
		if !strings.Contains(screen, want) {
			t.Errorf("peers view lacks %q:\n%s", want, screen)
		}
	}
	// Rows are most recent first, after "everyone": find curl's address.
	for _, p := range r.m.peers.sorted(r.m.label) { // after "everyone", in a stable order
		r.press(keyRune('j'))
		if p.host == "127.0.0.1" {
			break
		}
	}
	r.press(keyEnter)
	if r.m.filter.String() != "127.0.0.1" {
		t.Fatalf("filter %q, want 127.0.0.1", r.m.filter)
	}
	screen = ansi.Strip(r.m.screen())
	if strings.Contains(screen, "Mozilla") || !strings.Contains(screen, "curl/8.5.0") || !strings.Contains(screen, "only 127.0.0.1") {
		t.Fatalf("the panes should show only curl's connection:\n%s", screen)
	}
	r.press(keyRune('w'))
	r.press(keyEnter) // the first row: everyone
	if r.m.filter.IsValid() || !strings.Contains(ansi.Strip(r.m.screen()), "Mozilla") {
		t.Fatal("choosing everyone should clear the filter")
	}
}

// i holds the server's next reply until enter; s sends replies slowly.
func TestPresenterHoldAndSlowMotion(t *testing.T) {
	r := newRig(t, "ping-pong")
	r.size(140, 40)
	r.press(keyRune('i'))
	done := make(chan tea.Msg, 1)
	cmd := r.press(keyEnter) // enter is the step's action while nothing is held yet
	go func() { done <- cmd() }()
	r.flushUntil(t, func() bool { return strings.Contains(ansi.Strip(r.m.screen()), "held: enter lets it go") })
	if r.m.stepDone() {
		t.Fatal("the reply was held, yet the client got it")
	}
	r.press(keyEnter) // now enter releases
	r.m.Update(<-done)
	r.flushUntil(t, r.m.stepDone)
	r.press(keyRune('s'))
	if !r.server.SlowMotion() || !strings.Contains(ansi.Strip(r.m.screen()), "slow motion") {
		t.Fatal("s should turn slow motion on and say so")
	}
	r.press(keyRune('s'))
	if r.server.SlowMotion() {
		t.Fatal("s again should turn it off")
	}
}

// A replay plays a recording into the panes; space pauses the recording
// itself and . steps one event at a time.
func TestReplayPausesAndSteps(t *testing.T) {
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now()
	var events []netcore.Event
	for i := 0; i < 6; i++ {
		events = append(events, netcore.Event{Time: base.Add(time.Duration(i) * 300 * time.Millisecond), Kind: netcore.Note, Text: "recorded " + strconv.Itoa(i)})
	}
	inbox := netcore.NewInbox(100)
	rep := netcore.NewReplayer(events, inbox)
	rep.SetPaused(true)
	backend := NewReplay(rep, inbox) // before Run: it sets OnEnd, which Run reads
	go rep.Run(t.Context())
	m := New(Deps{Backend: backend, Course: course, UI: lessons.UIStrings("en"), Addr: lessons.Address{Host: "localhost", Port: 3000}})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.keys.Enter.Enabled() {
		t.Fatal("a replay has no server to act on: enter must be off")
	}
	m.Update(keyRune('.'))
	deadline := time.Now().Add(3 * time.Second)
	for m.events.total < 1 && time.Now().Before(deadline) {
		m.Update(batchMsg{events: inbox.Drain()})
		time.Sleep(10 * time.Millisecond)
	}
	if m.events.total != 1 || !strings.Contains(ansi.Strip(m.screen()), "⏸ replay 1/6") {
		t.Fatalf("one step should show one event:\n%s", ansi.Strip(m.screen()))
	}
	m.Update(keySpace)
	for m.events.total < 6 && time.Now().Before(deadline) {
		m.Update(batchMsg{events: inbox.Drain()})
		time.Sleep(10 * time.Millisecond)
	}
	if screen := ansi.Strip(m.screen()); m.events.total != 6 || !strings.Contains(screen, "■ replay ended 6/6") || !strings.Contains(screen, "recorded 5") {
		t.Fatalf("resumed, the rest should play:\n%s", screen)
	}
}
