package lessons_test

import (
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
)

// Every lesson of the course has a check whose spec is in words: each
// probe has an id, a name and a "passes" from check.txt, and a command,
// in both languages.
func TestEveryLessonSpecInWords(t *testing.T) {
	ids := lessons.IDs()
	if len(ids) != 17 {
		t.Errorf("the course has %d lessons, want 17", len(ids))
	}
	for _, id := range ids {
		set, ok := lessons.Probes(id)
		if !ok || set == nil {
			t.Errorf("%s: no probe set", id)
			continue
		}
		for _, lang := range []string{"en", "ko"} {
			spec := probe.Spec(set, lang)
			if len(spec) == 0 {
				t.Errorf("%s/%s: empty spec", id, lang)
			}
			for _, it := range spec {
				if it.ID == "" || it.Name == "" || it.Name == it.ID || strings.HasPrefix(it.Passes, "probe.") || it.Passes == "" || it.Command == "" {
					t.Errorf("%s/%s: spec item %+v", id, lang, it)
				}
			}
		}
	}
}
