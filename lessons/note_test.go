package lessons_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
)

// The actions' notes come from ui.txt in the learner's language, with
// their values in the right places, and no fmt complaint in any language.
func TestNotesReadInEachLanguage(t *testing.T) {
	notes := []lessons.Note{
		{Key: "note.five", Args: []any{5020 * time.Millisecond}},
		{Key: "note.closedafter", Args: []any{3 * time.Second}},
		{Key: "note.slowloris", Args: []any{29, 30}},
	}
	want := map[string][]string{
		"en": {"5 responses in 5.02s", "the server closed after 3s", "29 of 30 slow connections were cut or refused"},
		"ko": {"응답 5개가 5.02s 만에 도착", "3s 뒤에 서버가 연결을 닫음", "느린 연결 30개 중 29개가 끊기거나 거부됨"},
	}
	for lang, texts := range want {
		ui := lessons.UIStrings(lang)
		for i, n := range notes {
			got := n.Text(ui)
			if got != texts[i] || strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q, want %q", lang, n.Key, got, texts[i])
			}
		}
	}
	if got := (lessons.Note{}).Text(lessons.UIStrings("en")); got != "" {
		t.Errorf("the empty note says %q", got)
	}
}
