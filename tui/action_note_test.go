package tui

import (
	"strings"
	"testing"
)

// What an action says when it is done (here "5 responses in 1.01s") is
// shown in the learner's language, not in English.
func TestActionNoteInKorean(t *testing.T) {
	r := newRigLang(t, "ko", "concurrency")
	r.size(120, 40)
	r.press(keyRune('n')) // step 2: five at once, side by side
	cmd := r.press(keyEnter)
	if cmd == nil {
		t.Fatal("enter started no action")
	}
	r.m.Update(cmd())
	want, _, _ := strings.Cut(r.m.d.UI["note.five"], "%")
	if r.m.statusIsErr || want == "" || !strings.Contains(r.m.status, want) || strings.Contains(r.m.status, "responses in") {
		t.Errorf("status %q (error %v), want the Korean note %q", r.m.status, r.m.statusIsErr, r.m.d.UI["note.five"])
	}
}
