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
