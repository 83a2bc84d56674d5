package lessons

import "fmt"

// say is what an action tells the learner, in the learner's language: the
// ui.txt text of key ("note.…") formatted with args. Go holds no prose, so
// without UI strings in env the English ui.txt speaks.
func (env Env) say(key string, args ...any) string {
	ui := env.UI
	if ui == nil {
		ui = UIStrings("en")
	}
	return fmt.Sprintf(ui[key], args...)
}
