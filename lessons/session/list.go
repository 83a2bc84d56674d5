package session

import (
	"bufio"
	"errors"
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
		return errors.New("no state directory: there is no progress to forget")
	}
	what := "all your progress"
	if id != "" {
		if w.Course.Find(id) < 0 {
			return usage.Errorf("no lesson %s (see tubes lessons)", netcore.Quote(id))
		}
		what = "your progress in " + id
	}
	if !yes {
		fmt.Fprintf(stderr, "Forget %s? [y/N] ", what)
		answer, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && answer == "" {
			fmt.Fprintln(stderr)
			return usage.Errorf("no answer; run tubes reset --yes to skip the question")
		}
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stderr, "Nothing forgotten.")
			return nil
		}
	}
	w.Progress.Forget(id)
	if err := w.Store.Save(w.Progress, 1); err != nil {
		return fmt.Errorf("cannot save progress in %s: %s", netcore.Quote(w.Store.Path()), Reason(err))
	}
	fmt.Fprintf(stderr, "Forgot %s.\n", what)
	return nil
}
