package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// A recording is untrusted: anyone can hand one over. Whatever it holds,
// the replay screen writes only the program's own sequences.

// replayAttacks go into every field a recording line has.
var replayAttacks = []string{
	"\x1b_Gf=100;AAAA\x1b\\", "\x1bPq#0;2;0;0;0#0~~@@--\x1b\\", "\x1b[31;1mSGR", "line\r\nbreak",
	"\x1b]0;pwned\x07", "\x1b]52;c;aGVsbG8=\x07", "\x1b[6n", "\u009b2J", "\xc2\x9b31m", "\u202eevil",
	"\x1b]0;never ends", "\x07\x08\x0e\x00", `\x1b]0;escaped-form\x07`,
}

// replaySeed builds a recording: valid events of every kind with the
// attacks in their text and data, then lines with the attacks in their
// addresses (refused: the replay ends there with an error event).
func replaySeed(attack string) []byte {
	var b bytes.Buffer
	line := func(fields map[string]any) {
		j := map[string]any{"time": "2026-11-24T12:00:00Z", "source": "server", "conn": 1}
		for k, v := range fields {
			j[k] = v
		}
		raw, _ := json.Marshal(j)
		b.Write(raw)
		b.WriteByte('\n')
	}
	esc := netcore.Escape([]byte(attack)) // how a real recording keeps bytes
	line(map[string]any{"kind": "listening", "local": "127.0.0.1:3000", "text": attack})
	line(map[string]any{"kind": "accepted", "local": "127.0.0.1:3000", "remote": "127.0.0.1:40000"})
	line(map[string]any{"kind": "recv", "local": "127.0.0.1:3000", "remote": "127.0.0.1:40000", "bytes": 400,
		"data": "GET / HTTP/1.1\\r\\nUser-Agent: " + esc + "\\r\\n\\r\\n"})
	line(map[string]any{"kind": "sent", "remote": "127.0.0.1:40000", "bytes": 200, "data": esc})
	line(map[string]any{"kind": "recv", "remote": "[::1]:40001", "bytes": 200, "data": strings.ReplaceAll(attack, `\`, "")})
	for _, k := range []string{"note", "error", "refused"} {
		line(map[string]any{"kind": k, "remote": "127.0.0.1:40002", "text": strings.ReplaceAll(attack, `\`, "")})
		line(map[string]any{"kind": k, "text": esc})
	}
	line(map[string]any{"kind": "step", "lesson": "ping-pong", "step": 1})
	line(map[string]any{"kind": "closed", "remote": "127.0.0.1:40000", "reason": "peer", "duration_us": 900, "in": 400, "out": 200})
	line(map[string]any{"kind": "accepted", "remote": attack})
	return b.Bytes()
}

func FuzzReplayScreen(f *testing.F) {
	for _, a := range replayAttacks {
		f.Add(replaySeed(a))
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		if len(rec) > 64<<10 {
			return // one screen's worth is plenty; the reader's own limits are tested in netcore
		}
		playOnScreen(t, rec)
	})
}

// playOnScreen replays rec in the real program and checks everything it
// wrote to the terminal.
func playOnScreen(t *testing.T, rec []byte) {
	t.Helper()
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	inbox := netcore.NewInbox(10000)
	rep := netcore.NewReplayerFrom(netcore.NewRecordingReader(bytes.NewReader(rec)), inbox)
	rep.SetPaused(true) // stepped below, so recorded gaps cost no time
	m := New(Deps{Backend: NewReplay(rep, inbox), Course: course, Progress: lessons.Progress{Lesson: "tcp-accept"},
		Addr: lessons.Address{Host: "localhost", Port: 3000}, UI: lessons.UIStrings("en")})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { rep.Run(ctx); close(done) }()
	for stepping := true; stepping; {
		select {
		case <-done:
			stepping = false
		case <-ctx.Done():
			t.Fatal("the replay did not finish")
		default:
			rep.Step()
			time.Sleep(100 * time.Microsecond)
		}
	}
	time.Sleep(150 * time.Millisecond) // a few flush ticks: everything is drawn
	for _, k := range []tea.Msg{keyRune('x'), keyRune('x'), keyTab, keyRune('w')} {
		tm.Send(k) // hex view, then the peers table
		time.Sleep(60 * time.Millisecond)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	out, err := readAllFrom(tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	checkProgramStream(t, out)
	final := tm.FinalModel(t).(*Model)
	checkScreenIsSafe(t, final.screen())
	if played, total := rep.Progress(); played != total {
		t.Errorf("played %d of %d", played, total)
	}
}

// ownOSC are the OSC sequences the program itself writes: its title and
// colour queries.
var ownOSC = []string{"\x1b]0;tubes\a", "\x1b]2;tubes\a", "\x1b]2;\a", "\x1b]10;?\a", "\x1b]11;?\a", "\x1b]12;?\a"}

// checkProgramStream walks the terminal stream sequence by sequence: no
// DCS, APC, SOS or PM at all, OSC only the program's own, no CSI that asks
// the terminal to answer or to change its window, no control byte but
// line endings, and text free of C1, bidi and invalid UTF-8.
func checkProgramStream(t *testing.T, out []byte) {
	t.Helper()
	p := ansi.NewParser()
	var state byte
	for i := 0; i < len(out); {
		seq, _, n, next := ansi.DecodeSequence(out[i:], state, p)
		state = next
		if n <= 0 {
			t.Fatalf("stream did not decode at %d", i)
		}
		where := fmt.Sprintf("at %d: %q", i, out[max(0, i-20):min(len(out), i+n+20)])
		switch {
		case ansi.HasDcsPrefix(seq) || ansi.HasApcPrefix(seq) || ansi.HasSosPrefix(seq) || ansi.HasPmPrefix(seq):
			t.Fatalf("a DCS/APC/SOS/PM the program did not write %s", where)
		case ansi.HasOscPrefix(seq):
			own := false
			for _, o := range ownOSC {
				own = own || string(seq) == o
			}
			if !own {
				t.Fatalf("an OSC the program did not write %s", where)
			}
		case ansi.HasCsiPrefix(seq):
			switch ansi.Cmd(p.Command()).Final() {
			case 'n', 't', 'c', 'q', 'x': // status reports, window ops, device attributes
				t.Fatalf("a query or window CSI %s", where)
			}
		case ansi.HasEscPrefix(seq):
		case len(seq) == 1 && seq[0] < 0x20 || len(seq) == 1 && seq[0] == 0x7f:
			if seq[0] != '\r' && seq[0] != '\n' {
				t.Fatalf("control byte %#x %s", seq[0], where)
			}
		default:
			for _, r := range string(seq) {
				if r == utf8.RuneError || r >= 0x80 && r <= 0x9f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Fatalf("unsafe rune %U %s", r, where)
				}
			}
		}
		i += n
	}
	for _, bad := range []string{"pwned\a", "\x1b_G", "\x1bPq", "\x1b[31;1mSGR", "line\r\nbreak", "\x1b[6n"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the terminal stream holds %q raw", bad)
		}
	}
}
