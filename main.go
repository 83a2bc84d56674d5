// tubes is a hands-on course on how servers work, with a real server inside.
// main is the command tree: each command binds the flags it acts on and
// hands them to the package that does the work.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/doctor"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/session"
	"github.com/tubes-course/tubes/lessons/starter"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/tui"
)

// version and commit are set by a release build (-ldflags -X); without
// them the version comes from what the Go toolchain recorded.
var version, commit string

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	root := courseCommand()
	root.AddCommand(serveCommand(), tapCommand(), checkCommand(), initCommand(), listCommand(), resetCommand(),
		replayCommand(), doctorCommand())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage.FlagError(err) })
	root.SetArgs(args)
	err := fang.Execute(context.Background(), root, fang.WithoutVersion(),
		fang.WithErrorHandler(printError), fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM))
	switch {
	case err == nil:
		return 0
	case usage.Is(err) || strings.HasPrefix(err.Error(), "unknown command"):
		return 2
	}
	return 1
}

// printError is the one place an error reaches the screen: one line,
// "tubes: reason", escaped as a whole as the last line of defence (names
// in it were quoted through netcore.Quote already, and stay as they are).
func printError(w io.Writer, styles fang.Styles, err error) {
	msg := netcore.EscapeText(strings.Join(strings.Fields(err.Error()), " "))
	prefix := "tubes:"
	if term.IsTerminal(os.Stderr.Fd()) {
		prefix = styles.ErrorHeader.UnsetString().UnsetMargins().Render(prefix)
	}
	fmt.Fprintln(w, lipgloss.JoinHorizontal(lipgloss.Top, prefix, " ", msg))
}

// command is a cobra command whose argument errors are bad usage.
func command(use, short string, args cobra.PositionalArgs, run func(*cobra.Command, []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, RunE: run, Args: func(cmd *cobra.Command, a []string) error {
		return usage.Wrap(args(cmd, a))
	}}
}

// completeLessons offers lesson ids for the --lesson flag and for args.
func completeLessons(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return lessons.IDs(), cobra.ShellCompDirectiveNoFileComp
}

func courseCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("tubes", "A hands-on course on how servers work, with a real server inside", cobra.NoArgs,
		func(*cobra.Command, []string) error { return tui.RunCourse(o) })
	c.Version = doctor.Version(version, commit)
	c.SetVersionTemplate("tubes {{.Version}}\n")
	fs := c.Flags()
	o.BindLesson(fs, true)
	o.BindLang(fs)
	o.BindScreen(fs)
	o.BindOutput(fs, true)
	o.BindServer(fs)
	_ = c.RegisterFlagCompletionFunc("lesson", completeLessons)
	return c
}

func serveCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("serve --lesson ID [--step N]", "Run a step's server without the screen and print every event", cobra.NoArgs,
		func(*cobra.Command, []string) error { return session.Serve(o, os.Stdout, os.Stderr) })
	fs := c.Flags()
	o.BindLesson(fs, true)
	o.BindLang(fs)
	o.BindOutput(fs, false)
	o.BindServer(fs)
	_ = c.RegisterFlagCompletionFunc("lesson", completeLessons)
	return c
}

func tapCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("tap --target HOST:PORT", "Sit in front of your own server and show its bytes live", cobra.NoArgs,
		func(*cobra.Command, []string) error {
			if err := session.NeedTarget(o); err != nil {
				return err
			}
			return tui.RunCourse(o)
		})
	fs := c.Flags()
	fs.StringVar(&o.Target, "target", "", "your server's address, e.g. localhost:8080")
	o.BindLang(fs)
	o.BindScreen(fs)
	o.BindOutput(fs, true)
	o.BindServer(fs)
	return c
}

func checkCommand() *cobra.Command {
	var f probe.Flags
	o := session.NewOptions()
	c := command(`check --lesson ID --target HOST:PORT | --run "CMD" [--watch] | --list`,
		"Test your own server for what a lesson teaches; exit 0 when no probe fails", cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return probe.Check(cmd.Context(), os.Stdout, f, session.CheckCourse(o))
		})
	f.Bind(c.Flags())
	o.BindLang(c.Flags())
	_ = c.RegisterFlagCompletionFunc("lesson", completeLessons)
	return c
}

func initCommand() *cobra.Command {
	var f starter.Flags
	o := session.NewOptions()
	c := command("init --lesson ID --code "+strings.Join(starter.CodeNames(), "|")+" [--dir DIR] [--force]",
		"Write a lesson's starter program to build your own server from", cobra.NoArgs,
		func(*cobra.Command, []string) error {
			lang, err := o.Language()
			if err != nil {
				return err
			}
			return starter.Init(os.Stdout, f, lessons.UIStrings(lang))
		})
	c.Flags().StringVar(&f.Lesson, "lesson", "", "lesson id (see tubes lessons)")
	c.Flags().StringVar(&f.Code, "code", "", "the starter's language: "+strings.Join(starter.CodeNames(), ", "))
	c.Flags().StringVar(&f.Dir, "dir", "", "the directory to write to (default: the current one)")
	c.Flags().BoolVar(&f.Force, "force", false, "overwrite files that are there")
	o.BindLang(c.Flags())
	_ = c.RegisterFlagCompletionFunc("lesson", completeLessons)
	return c
}

func listCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("lessons", "List the lessons with their ids and your progress", cobra.NoArgs,
		func(*cobra.Command, []string) error { return session.List(o, os.Stdout, os.Stderr) })
	o.BindLang(c.Flags())
	c.Flags().BoolVar(&o.JSON, "json", false, `print a JSON list of {"id", "title", "steps", "done", "built"}`)
	return c
}

func resetCommand() *cobra.Command {
	var yes bool
	c := command("reset [ID]", "Forget your progress, in one lesson or in all (asks first)", cobra.MaximumNArgs(1),
		func(_ *cobra.Command, args []string) error {
			return session.Reset(session.NewOptions(), strings.Join(args, ""), yes, os.Stdin, os.Stderr)
		})
	c.Flags().BoolVar(&yes, "yes", false, "do not ask")
	c.ValidArgsFunction = completeLessons
	return c
}

func replayCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("replay FILE", "Play a recording made with --record, with pause (space) and step (.)", cobra.ExactArgs(1),
		func(_ *cobra.Command, args []string) error { return tui.RunReplay(o, args[0]) })
	o.BindLang(c.Flags())
	o.BindScreen(c.Flags())
	o.BindOutput(c.Flags(), true) // --plain, --json: the recording as a transcript
	o.BindPort(c.Flags())         // the port the lesson text names
	return c
}

func doctorCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("doctor", "Check what the course needs on this machine: the port, curl, nc, a browser, the terminal", cobra.NoArgs,
		func(*cobra.Command, []string) error {
			return doctor.Check(os.Stdout, o, doctor.Version(version, commit))
		})
	o.BindLang(c.Flags())
	o.BindPort(c.Flags())
	return c
}
