package lessons

import "fmt"

// Note is what an action tells the learner when it is done, such as a
// timing: the key of an interface string (ui.txt) and the values for its
// fmt verbs. The words stay in assets, so a note reads in the learner's
// language; the zero Note says nothing.
type Note struct {
	Key  string
	Args []any
}

// Empty reports whether the note says nothing.
func (n Note) Empty() bool { return n.Key == "" }

// Text is the note in the interface strings ui; a key ui lacks shows as
// itself, as every missing interface string does.
func (n Note) Text(ui map[string]string) string {
	if n.Empty() {
		return ""
	}
	format, ok := ui[n.Key]
	if !ok {
		return n.Key
	}
	return fmt.Sprintf(format, n.Args...)
}

// say is a note's words now, for an error that must carry them: in the
// learner's language, or the English ui.txt when env has no UI strings.
func (env Env) say(key string, args ...any) string {
	ui := env.UI
	if ui == nil {
		ui = UIStrings("en")
	}
	return Note{key, args}.Text(ui)
}
