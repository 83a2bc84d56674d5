package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/room"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// World is everything a run needs, opened before any screen is drawn so
// that a failure is a plain one-line error.
type World struct {
	Course   *lessons.Course
	Store    *lessons.Store // nil when there is no state directory
	Progress lessons.Progress
	Notice   string // said once: e.g. the progress file was damaged
	UI       map[string]string
	Inbox    *netcore.Inbox
	Server   *netcore.Server // nil unless opened WithServer
	Addr     lessons.Address // where the app's own client dials
	// TextAddr is the address the lesson text names: the room address
	// when the room is let in (Room mode), else Addr.
	TextAddr lessons.Address
	// Room is the room page, nil unless the room is let in.
	Room   *room.Room
	Lesson int // index in Course.Lessons
	Step   int // index in that lesson's steps

	// Sink is where the app's own client reports too: the inbox, and the
	// recording when there is one, so a replay shows both sides.
	Sink netcore.Sink
	// Target is the tap's target in canonical form ("" when not tapping).
	Target string
	// Recorder is nil unless --record; the status line polls its State.
	Recorder *netcore.Recorder

	stderr  io.Writer
	unserve func() // removes the runtime file naming the port served
}

// InboxSize bounds the events waiting for the screen or the transcript.
const InboxSize = 20000

// Need says what Open opens beyond the course and the progress.
type Need int

const (
	CourseOnly Need = iota
	WithServer      // also the server (a tap when Options.Target is set) and the recorder
)

// Open loads the course in the chosen language and the progress, finds
// the lesson and step, and with WithServer starts listening. Messages
// (a damaged progress file, an incomplete recording) go to stderr.
func Open(o *Options, need Need, stderr io.Writer) (*World, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	lang, err := o.Language()
	if err != nil {
		return nil, err
	}
	w := &World{stderr: stderr, UI: lessons.UIStrings(lang)}
	if w.Course, err = lessons.Load(lang); err != nil {
		return nil, err
	}
	if dir, err := lessons.StateDir(); err == nil {
		if w.Store, w.Progress, w.Notice, err = lessons.OpenStore(dir); err != nil {
			return nil, progressError(dir, err)
		}
		if w.Notice != "" {
			w.Notice = w.UI["notice.damaged"] + " " + netcore.Quote(w.Notice)
			fmt.Fprintln(stderr, "tubes: "+w.Notice)
		}
	}
	if o.Lesson != "" {
		if err := w.locate(o.Lesson, o.Step); err != nil {
			return nil, err
		}
		w.Progress.Lesson, w.Progress.Step = o.Lesson, w.Step
	} else if o.Step != 0 {
		return nil, usage.Bad("usage.step.lesson")
	} else if i := w.Course.Find(w.Progress.Lesson); i >= 0 {
		w.Lesson, w.Step = i, min(max(w.Progress.Step, 0), len(w.Course.Lessons[i].Steps)-1)
	}
	if need == WithServer {
		if err := w.listen(o); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// progressError says why the progress in dir could not be opened.
func progressError(dir string, err error) error {
	if ae, ok := errors.AsType[*lessons.AsideError](err); ok {
		return usage.Fail("err.progress.aside", netcore.Quote(ae.Path), Reason(ae.Err))
	}
	return usage.Fail("err.progress.open", netcore.Quote(dir), Reason(err))
}

// locate finds --lesson and --step in the course, and says what is wrong
// with them in the command line's words.
func (w *World) locate(id string, step int) error {
	li := w.Course.Find(id)
	if li < 0 {
		return usage.Bad("usage.lesson.ids", netcore.Quote(id), strings.Join(lessons.IDs(), ", "))
	}
	if n := len(w.Course.Lessons[li].Steps); step < 0 || step > n {
		return usage.Bad("usage.step.range", id, n, step)
	}
	var err error
	w.Lesson, w.Step, err = w.Course.Locate(id, step)
	return usage.Wrap(err)
}

func (w *World) listen(o *Options) error {
	addr, err := o.ListenAddr()
	if err != nil {
		return err
	}
	target := o.Target
	if target != "" {
		if target, err = checkTarget(o.Target, addr); err != nil {
			return err
		}
	}
	w.Inbox = netcore.NewInbox(InboxSize)
	w.Sink = w.Inbox
	if o.Record != "" {
		if w.Recorder, err = netcore.CreateRecording(o.Record, int64(o.RecordMax)); err != nil {
			return usage.Bad("usage.record", netcore.Quote(o.Record), Reason(err))
		}
		w.Sink = netcore.Tee{w.Inbox, w.Recorder}
	}
	var behavior netcore.Behavior = w.Course.Lessons[w.Lesson].Steps[w.Step].Behavior
	if o.Target != "" {
		behavior, w.Target = netcore.Tap{Target: target}, target
	}
	cfg := o.Server
	cfg.Addr = addr
	cfg.Words = w.UI // the server's notes and refusals speak the course's language
	serverSink := w.Sink
	roomMode := o.RoomMode(addr)
	if roomMode {
		// Teed before the server listens, so the room hears its port.
		w.Room = room.New(room.Config{Lang: w.Course.Lang})
		serverSink = netcore.Tee{w.Sink, w.Room}
	}
	w.Server, err = netcore.Listen(cfg, behavior, serverSink)
	if err == nil && roomMode {
		if err = w.openRoom(o); err != nil {
			_ = w.Server.Shutdown(context.Background())
			w.closeRecord()
			return err
		}
	}
	if err != nil && w.Recorder != nil {
		w.closeRecord()
		_ = os.Remove(o.Record)
	}
	var inUse *netcore.PortInUseError
	if errors.As(err, &inUse) {
		return usage.Fail("err.port.inuse", inUse.Port, nextPort(inUse.Port))
	}
	if err != nil {
		return usage.Fail("err.listen", netcore.Quote(addr), Reason(err))
	}
	w.Addr = lessons.Address{Host: w.Server.Host(), Port: w.Server.Port(), Reach: w.UI["reach.local"]}
	w.TextAddr = w.Addr
	if w.Room != nil {
		w.TextAddr.Host, w.TextAddr.Reach = w.roomHost(), w.UI["reach.room"]
	}
	if dir, err := lessons.StateDir(); err == nil {
		w.unserve, _ = lessons.MarkServing(dir, []int{w.Server.Port()}) // so tubes check knows this port
	}
	return nil
}

// openRoom opens the room page on the lesson server's interfaces, at
// --room-port or the lesson port + 1.
func (w *World) openRoom(o *Options) error {
	port := room.PortFor(w.Server.Port())
	if o.roomPortSet() {
		port = o.RoomPort
	}
	host := w.Server.Host()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	err := w.Room.Listen(addr)
	var inUse *netcore.PortInUseError
	if errors.As(err, &inUse) && !o.roomPortSet() {
		// The default is only a convenience: the QR and the status line
		// show whatever port the room got.
		addr = net.JoinHostPort(host, "0")
		err = w.Room.Listen(addr)
	}
	if errors.As(err, &inUse) {
		return usage.Fail("err.room.inuse", port, nextPort(port))
	}
	if err != nil {
		return usage.Fail("err.room.listen", netcore.Quote(addr), Reason(err))
	}
	if l := w.Course.Lessons[w.Lesson]; w.Step < len(l.Steps) {
		w.Room.SetStep(l, w.Step) // serve and tap have no screen to say it
	}
	return nil
}

// roomHost is the host the room types: the lesson server's own host when
// it is one address, else this machine's first address on a network.
func (w *World) roomHost() string {
	host := w.Server.Host()
	if host != "" && host != "0.0.0.0" && host != "::" {
		return host
	}
	if ips := w.lanIPs(); len(ips) > 0 {
		return ips[0]
	}
	return "localhost"
}

func nextPort(p int) int {
	if p >= 65535 || p == 0 {
		return DefaultPort() + 1
	}
	return p + 1
}

// Shutdown stops the server, if any, and finishes the recording.
func (w *World) Shutdown() {
	if w.Room != nil {
		_ = w.Room.Close()
	}
	if w.Server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = w.Server.Shutdown(ctx)
	}
	if w.unserve != nil {
		w.unserve()
	}
	w.closeRecord()
}

// closeRecord finishes the recording, and says so if any event missed it.
func (w *World) closeRecord() {
	if w.Recorder == nil {
		return
	}
	dropped, err := w.Recorder.Close()
	w.Recorder = nil
	if err != nil {
		fmt.Fprintln(w.stderr, "tubes: "+netcore.EscapeText(usage.T("record.incomplete", Reason(err))))
	} else if dropped > 0 {
		fmt.Fprintln(w.stderr, "tubes: "+usage.T("record.dropped", dropped))
	}
}
