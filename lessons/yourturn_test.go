package lessons_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// The Your-turn steps' entries of the shared tables: no traffic completes
// them (the app marks them done when a check passes), and the lesson
// servers they keep running are not the learner's, so the examples'
// plans leave them out.
func init() {
	for _, id := range lessons.IDs() {
		stepCases[id+"/"+fmt.Sprint(yourTurnStep(id))] = stepCase{action: lessons.Build.Label, way: func(t *testing.T, r *rig, s lessons.Step) {
			c := r.dial()
			_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: " + r.hostPort() + "\r\nConnection: close\r\n\r\n"))
			r.waitCount(1, "the request to be accepted", r.on(netcore.Accepted))
			_ = c.Close()
		}}
		tapHidden[id+"/"+fmt.Sprint(yourTurnStep(id))] = "AllProbesPass: no traffic completes a Your-turn step; a passing check does"
	}
}

// yourTurnStep is the number of lesson id's last step.
func yourTurnStep(id string) int {
	c, err := lessons.Load("en")
	if err != nil {
		panic(err)
	}
	return len(c.Lessons[c.Find(id)].Steps)
}

func TestEveryLessonEndsWithYourTurn(t *testing.T) {
	heads := map[string]string{"en": "Your turn", "ko": "직접 만들기"}
	for lang, head := range heads {
		c, err := lessons.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Lessons {
			last := l.Steps[len(l.Steps)-1]
			if last.Title != head || !last.YourTurn() {
				t.Errorf("%s/%s: last step %q (your turn: %v), want %q", lang, l.ID, last.Title, last.YourTurn(), head)
			}
			set, _ := lessons.Probes(l.ID)
			for _, want := range []string{"tubes init --lesson " + l.ID + " --code node", "tubes check --lesson " + l.ID + " --run"} {
				if !strings.Contains(last.Body, want) {
					t.Errorf("%s/%s: Your turn does not name %q", lang, l.ID, want)
				}
			}
			if strings.Contains(last.Body, "{{spec}}") || set == nil {
				t.Errorf("%s/%s: spec not filled", lang, l.ID)
			}
			// The spec is a list of the lesson's probes, one item each.
			items := strings.Count(last.Body, "\n- **")
			if items == 0 {
				t.Errorf("%s/%s: the spec lists no probe:\n%s", lang, l.ID, last.Body)
			}
			for i, s := range l.Steps[:len(l.Steps)-1] {
				if s.YourTurn() {
					t.Errorf("%s/%s step %d is a Your-turn step but not the last", lang, l.ID, i+1)
				}
			}
		}
	}
}
