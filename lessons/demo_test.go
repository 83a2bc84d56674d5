package lessons

import "testing"

// Every demo names a lesson and a step that exist, and the demo steps are
// the ones whose goal the room's own traffic could not or should not meet.
func TestDemosNameRealSteps(t *testing.T) {
	c, err := Load("en")
	if err != nil {
		t.Fatal(err)
	}
	for id, steps := range demos {
		i := c.Find(id)
		if i < 0 {
			t.Errorf("demos name lesson %q, not in the course", id)
			continue
		}
		for _, n := range steps {
			if n < 1 || n > len(c.Lessons[i].Steps) {
				t.Errorf("demos name %s step %d of %d", id, n, len(c.Lessons[i].Steps))
			} else if !c.Lessons[i].Steps[n-1].Demo || c.Lessons[i].Steps[n-1].Action.None() {
				t.Errorf("%s/%d: a demo needs the app's action", id, n)
			}
		}
	}
	if c.Lessons[c.Find("client")].Steps[1].Demo {
		t.Error("client/2 offers nc's Ctrl+C: the room can do it")
	}
}
