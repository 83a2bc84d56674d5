package probe

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// Flags are tubes check's flags, as typed.
type Flags struct {
	Lesson, Target, Wait, IdleWait string
	JSON                           bool
}

// Bind adds check's flags to fs.
func (f *Flags) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.Lesson, "lesson", "", "lesson id (see tubes lessons)")
	fs.StringVar(&f.Target, "target", "", "your server, HOST:PORT (e.g. localhost:8080)")
	fs.StringVar(&f.Wait, "wait", DefaultCheckWait.String(), "how long to keep trying while your server comes up (0: try once)")
	fs.StringVar(&f.IdleWait, "idle-wait", DefaultIdleWait.String(), "how long the timeouts probe waits for your server to close an idle connection")
	fs.BoolVar(&f.JSON, "json", false, "print the report as JSON")
}

// Check is `tubes check`: the probes of lesson f.Lesson (its set from
// sets) against the learner's server, the report on w. Any failed probe
// is an error, so the command exits 1.
func Check(ctx context.Context, w io.Writer, f Flags, sets func(id string) (Set, bool)) error {
	if f.Lesson == "" {
		return usage.Errorf("check needs --lesson ID (see tubes lessons)")
	}
	set, ok := sets(f.Lesson)
	if !ok {
		return usage.Errorf("no lesson %s (see tubes lessons)", netcore.Quote(f.Lesson))
	}
	if f.Target == "" {
		return usage.Errorf("check needs --target HOST:PORT, where your server listens (e.g. localhost:8080)")
	}
	target, err := ParseTarget(f.Target)
	if err != nil {
		return usage.Wrap(err)
	}
	wait, err := parseWait("--wait", f.Wait, true)
	if err != nil {
		return err
	}
	idle, err := parseWait("--idle-wait", f.IdleWait, false)
	if err != nil {
		return err
	}
	if wait == 0 {
		wait = -1 // try once
	}
	rep, err := Run(ctx, f.Lesson, set, Options{Target: target, Wait: wait, IdleWait: idle})
	if err != nil {
		return usage.Wrap(err)
	}
	if f.JSON {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w)
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	if !rep.Pass() {
		return errors.New(rep.Summary())
	}
	return nil
}

// parseWait reads a duration flag such as 5s or 500ms.
func parseWait(flag, s string, zeroOK bool) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d == 0 && !zeroOK {
		return 0, usage.Errorf("bad %s %s: want a duration like 5s or 500ms", flag, netcore.Quote(s))
	}
	return d, nil
}
