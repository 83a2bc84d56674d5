package tui

import (
	"context"
	"net"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// Benchmarks for the UI's side of the targets:
//
//	go test -run '^$' -bench . -benchmem ./tui
//
// Both measure the model as the program drives it: Update with the batch
// the flush tick builds, then View, at 120×40.

// benchModel is the http-response lesson at 120×40 with a real (idle)
// server for the totals, an inbox of main's size, and the lesson Markdown
// already rendered, as after the first frame.
// stop shuts the server down; a benchmark function calls it before it
// returns, since testing runs it several times and the heap figures must
// not count the earlier runs' models.
func benchModel(tb testing.TB) (m *Model, inbox *netcore.Inbox, srv *netcore.Server, stop func()) {
	tb.Helper()
	course, err := lessons.Load("en")
	if err != nil {
		tb.Fatal(err)
	}
	inbox = netcore.NewInbox(20000)
	li := course.Find("http-response")
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	srv, err = netcore.Listen(cfg, course.Lessons[li].Steps[0].Behavior, inbox)
	if err != nil {
		tb.Fatal(err)
	}
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	inbox.Drain()
	m = New(Deps{
		Backend: NewLive(Live{Server: srv, Inbox: inbox}), Course: course,
		Progress: lessons.Progress{Lesson: "http-response"}, Addr: lessons.Address{Host: "localhost", Port: srv.Port()},
		UI: lessons.UIStrings("en"),
	})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.View()
	return m, inbox, srv, stop
}

// traffic makes the events one curl request to the http-response server
// causes, connection after connection, with real-looking addresses.
type traffic struct {
	conn uint64
	now  time.Time
	i    int
}

var (
	benchLocal  = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000}
	benchRemote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53412}
	benchReq    = []byte("GET / HTTP/1.1\r\nHost: localhost:3000\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n")
)

func (t *traffic) next() netcore.Event {
	if t.i%4 == 0 {
		t.conn++
	}
	t.now = t.now.Add(7 * time.Microsecond)
	e := netcore.Event{Time: t.now, Conn: t.conn, Source: netcore.FromServer, Local: benchLocal, Remote: benchRemote}
	switch t.i % 4 {
	case 0:
		e.Kind = netcore.Accepted
	case 1:
		e.Kind, e.Data, e.Count = netcore.Recv, benchReq, len(benchReq)
	case 2:
		e.Kind, e.Data, e.Count = netcore.Sent, behaviors.HelloResponse, len(behaviors.HelloResponse)
	case 3:
		e.Kind, e.Reason, e.Duration = netcore.Closed, netcore.ByPeer, 3*time.Millisecond
		e.In, e.Out = int64(len(benchReq)), int64(len(behaviors.HelloResponse))
	}
	t.i++
	return e
}

// flush is what the flush tick hands to Update (see flushTick).
func flush(inbox *netcore.Inbox, srv *netcore.Server) batchMsg {
	return batchMsg{events: inbox.Drain(), folded: inbox.Folded(), totals: srv.Totals()}
}

// fill runs full-inbox batches through the model until both rings are
// full, so the inbox's two buffers have grown to their size too.
func fill(m *Model, inbox *netcore.Inbox, srv *netcore.Server, tr *traffic) {
	for m.events.size < eventRows || m.chunks.size < byteBlocks || inbox.Folded() == 0 {
		for range 20001 {
			inbox.Push(tr.next())
		}
		m.Update(flush(inbox, srv))
	}
	m.View()
}

// cpuTime is the CPU this process has used, all threads (GC included).
// Next to wall time it shows what the work itself costs when other
// programs on a shared machine take turns on the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkFlood: target 2. One op is one event through the whole path:
// Inbox.Push, then a batch as the flush tick builds it, Model.Update, and
// one Model.View per batch, as Bubble Tea renders once per message. A
// batch is a full inbox (20,000 events), what each tick finds under a
// flood. Target: ≥ 1,000,000 events/s, and a flat heap: the live heap
// after the last batch (heap-end-MiB) matches the one after the rings
// first filled (heap-start-MiB). events/cpu-s divides by the CPU the
// process used instead of wall time; ratio-to-inbox-only compares the
// rate with the same events pushed through an inbox and dropped, timed
// in turns with the real path. B/op is per event, baseline included.
func BenchmarkFlood(b *testing.B) {
	m, inbox, srv, stop := benchModel(b)
	defer stop()
	tr := &traffic{now: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
	fill(m, inbox, srv, tr)
	const batch = 20000
	round := func(n int) {
		for range n {
			inbox.Push(tr.next())
		}
		m.Update(flush(inbox, srv))
		m.View()
	}
	for range 3 { // warm up: every buffer and cache at its working size
		round(batch)
	}
	// The baseline, timed in turns with the real path: the same events
	// through an inbox that nobody shows, pushed and drained only.
	bare := netcore.NewInbox(20000)
	bareTr := &traffic{now: tr.now}
	bareRound := func(n int) {
		for range n {
			bare.Push(bareTr.next())
		}
		bare.Drain()
	}
	bareRound(batch) // twice: Drain swaps two buffers, both must be grown
	bareRound(batch)
	start := heapInUse()
	var elapsed, cpu, bareElapsed time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		n := min(batch, b.N-done)
		t0, c0 := time.Now(), cpuTime()
		round(n)
		elapsed += time.Since(t0)
		cpu += cpuTime() - c0
		t0 = time.Now()
		bareRound(n)
		bareElapsed += time.Since(t0)
	}
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "events/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(rate/(float64(b.N)/bareElapsed.Seconds()), "ratio-to-inbox-only")
	b.ReportMetric(float64(start)/(1<<20), "heap-start-MiB")
	b.ReportMetric(float64(heapInUse())/(1<<20), "heap-end-MiB")
	runtime.KeepAlive(bare) // live at both heap readings
	if m.events.size != eventRows || m.chunks.size != byteBlocks {
		b.Fatalf("rings hold %d events and %d blocks, want them full", m.events.size, m.chunks.size)
	}
}

// BenchmarkView: target 2. One op draws four 120×40 screens in turn, so
// the four share whatever the machine is doing: an empty screen (no
// traffic yet), and full panes in the text, hex and parsed byte views.
// Every full frame draws its byte blocks afresh, as under a flood where
// each frame shows new blocks. Each screen's wall time per frame
// (…-ns/frame) is reported with its ratio to the empty one, and its CPU
// time (…-cpu-ns/frame), which other programs on the machine do not
// inflate. Target: full < 2 ms.
func BenchmarkView(b *testing.B) {
	empty, _, _, stopEmpty := benchModel(b)
	defer stopEmpty()
	full, inbox, srv, stopFull := benchModel(b)
	defer stopFull()
	fill(full, inbox, srv, &traffic{now: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)})
	modes := []struct {
		name string
		mode bytesMode
	}{{"text", textMode}, {"hex", hexMode}, {"parsed", parsedMode}}
	took := make([]time.Duration, len(modes)+1) // wall time per screen
	cpu := make([]time.Duration, len(modes)+1)  // CPU time per screen
	timed := func(i int, view func() tea.View) {
		t0, c0 := time.Now(), cpuTime()
		view()
		took[i] += time.Since(t0)
		cpu[i] += cpuTime() - c0
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		timed(0, empty.View)
		for i, md := range modes {
			full.bytesView.mode = md.mode
			forgetRenders(full.chunks)
			timed(i+1, full.View)
		}
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(took[0]), "empty-ns/frame")
	b.ReportMetric(per(cpu[0]), "empty-cpu-ns/frame")
	for i, md := range modes {
		b.ReportMetric(per(took[i+1]), md.name+"-ns/frame")
		b.ReportMetric(per(cpu[i+1]), md.name+"-cpu-ns/frame")
		b.ReportMetric(per(took[i+1])/per(took[0]), md.name+"/empty")
	}
}

// forgetRenders drops the cached lines of the newest blocks, the ones a
// frame shows, so the next View formats them again.
func forgetRenders(r *ring[*chunk]) {
	for i := max(0, r.size-64); i < r.size; i++ {
		r.at(i).lines = nil
	}
}

// TestFloodBatchKeepsWhatTheRingsWould guards the shortcut applyBatch takes
// under a flood (events a batch would push out again are counted, not
// stored): one huge batch must leave the rings exactly as many small ones
// do, and the totals must count every event.
func TestFloodBatchKeepsWhatTheRingsWould(t *testing.T) {
	big, bigInbox, bigSrv, stopBig := benchModel(t)
	defer stopBig()
	small, smallInbox, smallSrv, stopSmall := benchModel(t)
	defer stopSmall()
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	bigTr, smallTr := &traffic{now: start}, &traffic{now: start}
	const n = 3*eventRows + 7
	for range n {
		bigInbox.Push(bigTr.next())
	}
	big.Update(flush(bigInbox, bigSrv))
	for done := 0; done < n; done += 500 { // each batch far below the rings' sizes
		for range min(500, n-done) {
			smallInbox.Push(smallTr.next())
		}
		small.Update(flush(smallInbox, smallSrv))
	}
	if big.events.total != n || small.events.total != n || big.chunks.total != small.chunks.total {
		t.Fatalf("totals: big %d/%d, small %d/%d, want %d events", big.events.total, big.chunks.total, small.events.total, small.chunks.total, n)
	}
	if big.events.size != small.events.size || big.chunks.size != small.chunks.size {
		t.Fatalf("sizes differ: %d/%d vs %d/%d", big.events.size, big.chunks.size, small.events.size, small.chunks.size)
	}
	for i := range big.events.size {
		a, b := big.events.at(i), small.events.at(i)
		if a.Conn != b.Conn || a.Kind != b.Kind || !a.Time.Equal(b.Time) {
			t.Fatalf("event %d: %v #%d vs %v #%d", i, a.Kind, a.Conn, b.Kind, b.Conn)
		}
	}
	for i := range big.chunks.size {
		a, b := big.chunks.at(i).ev, small.chunks.at(i).ev
		if a.Conn != b.Conn || a.Kind != b.Kind || !a.Time.Equal(b.Time) || string(a.Data) != string(b.Data) {
			t.Fatalf("block %d: %v #%d vs %v #%d", i, a.Kind, a.Conn, b.Kind, b.Conn)
		}
	}
	big.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	small.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	// The two servers' ports are the only thing allowed to differ.
	a := strings.ReplaceAll(big.screen(), strconv.Itoa(bigSrv.Port()), "PORT")
	b := strings.ReplaceAll(small.screen(), strconv.Itoa(smallSrv.Port()), "PORT")
	if a != b {
		al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Errorf("row %d differs:\n%s\n%s", i, ansi.Strip(al[i]), ansi.Strip(bl[i]))
			}
		}
	}
}
