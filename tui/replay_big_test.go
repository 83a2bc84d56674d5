package tui

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/netcore"
)

// A 92 MB recording, replayed through the screen's backend as tubes
// replay does, shows its first event within a second and the live heap
// stays bounded while it plays through.
func TestReplayBigRecordingThroughTheScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 92 MB recording")
	}
	path := filepath.Join(t.TempDir(), "big.jsonl")
	payload := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: localhost:3000\r\n\r\n", 25))
	line := netcore.JSONLine(netcore.Event{Time: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC), Conn: 1, Kind: netcore.Recv,
		Data: payload, Count: len(payload), Local: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000},
		Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}}) + "\n"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	events := 0
	for written := 0; written < 92<<20; written += len(line) {
		bw.WriteString(line)
		events++
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	course, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	start := time.Now()
	rec, err := netcore.OpenRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	inbox := netcore.NewInbox(session.InboxSize)
	inbox.BoundBytes(replayInboxBytes) // as RunReplay does
	rep := netcore.NewReplayerFrom(rec, inbox)
	m := New(Deps{Backend: NewReplay(rep, inbox), Course: course, Progress: lessons.Progress{Lesson: "tcp-accept"},
		Addr: lessons.Address{Host: "localhost", Port: 3000}, UI: lessons.UIStrings("en")})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	go rep.Run(t.Context())
	var first time.Duration
	var peak uint64
	var sampled time.Time
	deadline := time.Now().Add(60 * time.Second)
	for !rep.Ended() && time.Now().Before(deadline) {
		m.Update(m.flushTick()())
		if first == 0 && m.events.total > 0 {
			first = time.Since(start)
			m.screen() // the first frame with it
		}
		// What the replay keeps alive, sampled after a collection: garbage
		// (from this test's own pace or other tests) is not what it holds.
		if time.Since(sampled) > 100*time.Millisecond {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			sampled = time.Now()
		}
	}
	if first == 0 || first > time.Second {
		t.Errorf("first event on screen after %s, want within 1 s", first)
	}
	if !rep.Ended() {
		t.Errorf("the replay did not reach its end in a minute")
	}
	growth := int64(peak) - int64(before.HeapAlloc)
	if growth > 48<<20 {
		t.Errorf("heap grew by %d MiB replaying 92 MB, want < 48", growth>>20)
	}
	played, _ := rep.Progress()
	t.Logf("%d events (%d played), first on screen after %s, peak heap growth %.1f MiB, %s in all",
		events, played, first, float64(growth)/(1<<20), time.Since(start))
}
