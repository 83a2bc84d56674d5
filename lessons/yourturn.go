package lessons

import (
	"fmt"
	"strings"

	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
)

// The "Your turn" step closes every lesson: the learner builds the
// lesson's server, and the step is done when every probe of the lesson's
// check passes against it. No traffic completes it on its own.

// Build is the Your-turn step's action. It has no Run: enter asks for the
// command that starts the learner's server, and the app runs the check.
var Build = Action{Label: "build"}

// AllProbesPass is the Your-turn step's goal. Events never complete it;
// the app marks the step done when a check ends with no failure.
func AllProbesPass() Goal {
	return stateless(func(netcore.Event, *OwnClients) bool { return false })
}

// YourTurn reports whether s is a lesson's Your-turn step.
func (s Step) YourTurn() bool { return s.Action.Label == Build.Label && s.Action.Run == nil }

// yourTurn is the binding appended to every lesson; its server is the
// lesson's last behavior, so the panes keep a lesson server until the
// learner's own takes over.
func yourTurn(last Binding) Binding {
	return Binding{Behavior: last.Behavior, Action: Build, Goal: AllProbesPass()}
}

// specMarkdown is set's spec as a Markdown list for the lesson pane:
// each probe, what it sends, a command that does the same, what passes.
func specMarkdown(set probe.Set, lang string) string {
	w := probe.Words(lang)
	var b strings.Builder
	for _, it := range probe.Spec(set, lang) {
		fmt.Fprintf(&b, "- **%s**", it.Name)
		if it.SendsWords != "" || it.Sends != "" {
			fmt.Fprintf(&b, " %s", w["spec.sends"])
		}
		if it.SendsWords != "" {
			fmt.Fprintf(&b, " %s", it.SendsWords)
		}
		if it.Sends != "" {
			fmt.Fprintf(&b, " %s", code(it.Sends))
		}
		if it.Command != "" {
			fmt.Fprintf(&b, "; %s %s", w["label.try"], code(it.Command))
		}
		fmt.Fprintf(&b, "\n  %s %s\n", w["spec.passes"], it.Passes)
	}
	return strings.TrimRight(b.String(), "\n")
}

// code is s as inline code, with a fence longer than any backtick run in
// it, so the bytes show as they are.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
