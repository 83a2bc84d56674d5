package session

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// Serve is `tubes serve`: one step's server, its transcript on stdout
// until Ctrl+C or SIGTERM.
func Serve(o *Options, stdout, stderr io.Writer) error {
	if o.Lesson == "" {
		return usage.Bad("usage.serve.lesson")
	}
	return Transcript(o, stdout, stderr, "")
}

// NeedTarget is tap's one required flag.
func NeedTarget(o *Options) error {
	if o.Target == "" {
		return usage.Bad("usage.tap.target")
	}
	return nil
}

// Transcript opens the world with its server, says on stderr what runs
// where, and prints every event on stdout until
// Ctrl+C or SIGTERM; then it shuts down and prints what is left. note,
// when not "", is the key of a UI string to say first.
func Transcript(o *Options, stdout, stderr io.Writer, note string) error {
	w, err := Open(o, WithServer, stderr)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(stderr, "tubes: "+w.UI[note])
	}
	if o.Target != "" {
		fmt.Fprintln(stderr, netcore.EscapeText("tubes: "+usage.T("serve.tap", w.Addr.URL(), netcore.Quote(o.Target))))
	} else {
		l := w.Course.Lessons[w.Lesson]
		fmt.Fprintln(stderr, netcore.EscapeText("tubes: "+usage.T("serve.serving",
			l.ID, w.Step+1, len(l.Steps), l.Steps[w.Step].Behavior.Name(), w.Addr.URL())))
	}
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		<-sig
		w.Shutdown()
		close(stop)
	}()
	return netcore.PrintTranscript(stdout, w.Inbox, o.JSON, stop)
}
