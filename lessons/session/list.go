package session

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// List is `tubes lessons`: every lesson with its id and progress.
func List(o *Options, stdout, stderr io.Writer) error {
	w, err := Open(o, CourseOnly, stderr)
	if err != nil {
		return err
	}
	if o.JSON {
		return w.Course.WriteListJSON(stdout, w.Progress)
	}
	w.Course.WriteList(stdout, w.Progress, w.UI["lessons.built"])
	return nil
}

// Reset is `tubes reset [ID]`: forget progress in lesson id, or in all
// when id is "". It asks on stdin first unless yes; with no answer to
// read it refuses rather than guess.
func Reset(o *Options, id string, yes bool, stdin io.Reader, stderr io.Writer) error {
	w, err := Open(o, CourseOnly, stderr)
	if err != nil {
		return err
	}
	if w.Store == nil {
		return usage.Fail("reset.nostate")
	}
	// All or one lesson: whole sentences each, for the languages whose
	// particles depend on the word before them.
	ask, done := usage.T("reset.ask.all"), usage.T("reset.done.all")
	if id != "" {
		if w.Course.Find(id) < 0 {
			return usage.Bad("usage.lesson.none", netcore.Quote(id))
		}
		ask, done = usage.T("reset.ask.one", id), usage.T("reset.done.one", id)
	}
	if !yes {
		fmt.Fprint(stderr, ask+" ")
		answer, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && answer == "" {
			fmt.Fprintln(stderr)
			return usage.Bad("usage.reset.noanswer")
		}
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stderr, usage.T("reset.kept"))
			return nil
		}
	}
	w.Progress.Forget(id)
	if err := w.Store.Save(w.Progress, 1); err != nil {
		return usage.Fail("err.progress.save", netcore.Quote(w.Store.Path()), Reason(err))
	}
	fmt.Fprintln(stderr, done)
	return nil
}
