package lessons

import (
	"strings"
	"testing"
	"time"
)

// Every note formats with the values its action passes, in every
// language: a wrong verb or a missing value would show as %!d(MISSING).
func TestNotesFormatInEveryLanguage(t *testing.T) {
	args := map[string][]any{
		"note.five":        {1010 * time.Millisecond},
		"note.closedafter": {3100 * time.Millisecond},
		"note.slowloris":   {5, 30},
		"note.noreply":     {replyWait()},
	}
	want := map[string][]string{
		"note.five":        {"1.01s"},
		"note.closedafter": {"3.1s"},
		"note.slowloris":   {"5", "30"},
		"note.noreply":     {"10s"},
	}
	for _, lang := range Languages() {
		env := Env{UI: UIStrings(lang)}
		for key, a := range args {
			got := env.say(key, a...)
			if got == "" || strings.Contains(got, "%!") || strings.Contains(got, key) {
				t.Errorf("%s %s: %q", lang, key, got)
			}
			for _, w := range want[key] {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s: %q lacks %s", lang, key, got, w)
				}
			}
		}
	}
	// The Korean slowloris note names the total first: 30 of which 5.
	if got := (Env{UI: UIStrings("ko")}).say("note.slowloris", 5, 30); strings.Index(got, "30") > strings.Index(got, "5개") {
		t.Errorf("ko slowloris note %q: the total (30) comes first", got)
	}
	if got := (Env{}).say("note.five", time.Second); got != "5 responses in 1s" {
		t.Errorf("no UI strings: %q, want the English note", got)
	}
}
