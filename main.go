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
	// The help and the flags' descriptions are written as the tree is
	// built, so the language is chosen before cobra parses anything.
	lang, err := session.Language(langArg(args))
	if err != nil { // a --lang the course lacks: its error comes after parsing, in this language
		lang, _ = session.Language("")
	}
	usage.SetLanguage(lang)
	root := courseCommand()
	root.AddCommand(serveCommand(), tapCommand(), checkCommand(), initCommand(), listCommand(), resetCommand(),
		replayCommand(), doctorCommand())
	sayBuiltins(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage.FlagError(err) })
	root.SetArgs(args)
	err = fang.Execute(context.Background(), root, fang.WithoutVersion(),
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
	said := netcore.SayError(err, usage.Words(usage.Language())) // an error from below carries its words by key
	msg := netcore.EscapeText(strings.Join(strings.Fields(said), " "))
	prefix := "tubes:"
	if term.IsTerminal(os.Stderr.Fd()) {
		prefix = styles.ErrorHeader.UnsetString().UnsetMargins().Render(prefix)
	}
	fmt.Fprintln(w, lipgloss.JoinHorizontal(lipgloss.Top, prefix, " ", msg))
}

// langArg is the value of the last --lang X or --lang=X before a "--",
// or "" without one.
func langArg(args []string) string {
	lang := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			return lang
		case a == "--lang" && i+1 < len(args):
			lang = args[i+1]
			i++
		case strings.HasPrefix(a, "--lang="):
			lang = strings.TrimPrefix(a, "--lang=")
		}
	}
	return lang
}

// command is a cobra command whose short description is cli.txt's key
// short, and whose argument errors are bad usage.
func command(use, short string, args cobra.PositionalArgs, run func(*cobra.Command, []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: usage.T(short), RunE: run, Args: args}
}

// noArgs refuses every argument: at the top it is an unknown command.
func noArgs(cmd *cobra.Command, a []string) error {
	switch {
	case len(a) == 0:
		return nil
	case !cmd.HasParent():
		return usage.Bad("usage.command.unknown", netcore.Quote(a[0]))
	}
	return usage.Bad("usage.args.none", cmd.CommandPath(), netcore.Quote(a[0]))
}

// argsUpTo takes from least to most arguments; key says which otherwise.
func argsUpTo(least, most int, key string) cobra.PositionalArgs {
	return func(_ *cobra.Command, a []string) error {
		if len(a) < least || len(a) > most {
			return usage.Bad(key)
		}
		return nil
	}
}

// loadCompletion is how each shell loads the script in the running shell.
var loadCompletion = map[string]string{
	"bash":       "source <(tubes completion bash)",
	"zsh":        "source <(tubes completion zsh)",
	"fish":       "tubes completion fish | source",
	"powershell": "tubes completion powershell | Out-String | Invoke-Expression",
}

// sayBuiltins puts cobra's own parts in the chosen language: the help and
// completion commands, the -h and -v flags, and the commands' heading.
// (fang's man page and its USAGE/FLAGS headings are not ours to word.)
func sayBuiltins(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.AddGroup(&cobra.Group{ID: "commands", Title: usage.T("help.commands")})
	root.SetHelpCommandGroupID("commands")
	root.SetCompletionCommandGroupID("commands")
	root.Flags().BoolP("version", "v", false, usage.T("flag.version"))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch {
		case c.Name() == "help" && c.HasParent():
			c.Short, c.Long = usage.T("cmd.help"), ""
		case c.Name() == "completion" && c.HasParent():
			c.Short, c.Long = usage.T("cmd.completion"), ""
		case c.HasParent() && c.Parent().Name() == "completion":
			c.Short = usage.T("cmd.completion.shell", c.Name())
			c.Long = c.Short + "\n\n" + usage.T("cmd.completion.load", loadCompletion[c.Name()])
			if f := c.Flags().Lookup("no-descriptions"); f != nil {
				f.Usage = usage.T("flag.no-descriptions")
			}
		}
		if c.HasParent() && c.Parent() == root {
			c.GroupID = "commands"
		}
		c.Flags().BoolP("help", "h", false, usage.T("flag.help", c.CommandPath()))
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeLessons offers lesson ids for the --lesson flag and for args.
func completeLessons(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return lessons.IDs(), cobra.ShellCompDirectiveNoFileComp
}

func courseCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("tubes", "cmd.tubes", noArgs,
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
	c := command("serve --lesson ID [--step N]", "cmd.serve", noArgs,
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
	c := command("tap --target HOST:PORT", "cmd.tap", noArgs,
		func(*cobra.Command, []string) error {
			if err := session.NeedTarget(o); err != nil {
				return err
			}
			return tui.RunCourse(o)
		})
	fs := c.Flags()
	fs.StringVar(&o.Target, "target", "", usage.T("flag.tap.target"))
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
		"cmd.check", noArgs,
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
		"cmd.init", noArgs,
		func(*cobra.Command, []string) error {
			lang, err := o.Language()
			if err != nil {
				return err
			}
			return starter.Init(os.Stdout, f, lessons.UIStrings(lang))
		})
	c.Flags().StringVar(&f.Lesson, "lesson", "", usage.T("flag.lesson"))
	c.Flags().StringVar(&f.Code, "code", "", usage.T("flag.init.code", strings.Join(starter.CodeNames(), ", ")))
	c.Flags().StringVar(&f.Dir, "dir", "", usage.T("flag.init.dir"))
	c.Flags().BoolVar(&f.Force, "force", false, usage.T("flag.init.force"))
	o.BindLang(c.Flags())
	_ = c.RegisterFlagCompletionFunc("lesson", completeLessons)
	return c
}

func listCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("lessons", "cmd.lessons", noArgs,
		func(*cobra.Command, []string) error { return session.List(o, os.Stdout, os.Stderr) })
	o.BindLang(c.Flags())
	c.Flags().BoolVar(&o.JSON, "json", false, usage.T("flag.lessons.json"))
	return c
}

func resetCommand() *cobra.Command {
	var yes bool
	c := command("reset [ID]", "cmd.reset", argsUpTo(0, 1, "usage.args.reset"),
		func(_ *cobra.Command, args []string) error {
			return session.Reset(session.NewOptions(), strings.Join(args, ""), yes, os.Stdin, os.Stderr)
		})
	c.Flags().BoolVar(&yes, "yes", false, usage.T("flag.reset.yes"))
	c.ValidArgsFunction = completeLessons
	return c
}

func replayCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("replay FILE", "cmd.replay", argsUpTo(1, 1, "usage.args.replay"),
		func(_ *cobra.Command, args []string) error { return tui.RunReplay(o, args[0]) })
	o.BindLang(c.Flags())
	o.BindScreen(c.Flags())
	o.BindOutput(c.Flags(), true) // --plain, --json: the recording as a transcript
	o.BindPort(c.Flags())         // the port the lesson text names
	return c
}

func doctorCommand() *cobra.Command {
	o := session.NewOptions()
	c := command("doctor", "cmd.doctor", noArgs,
		func(*cobra.Command, []string) error {
			return doctor.Check(os.Stdout, o, doctor.Version(version, commit))
		})
	o.BindLang(c.Flags())
	o.BindPort(c.Flags())
	return c
}
