package lessons

import "github.com/tubes-course/tubes/netcore"

// AllOf: every one of goals is done, in any order; a step that asks for
// two requests is done when both have been made.
func AllOf(goals ...Goal) Goal {
	return Goal{NewTracker: func() Tracker {
		t := &allOf{done: make([]bool, len(goals))}
		for _, g := range goals {
			t.parts = append(t.parts, g.NewTracker())
		}
		return t
	}}
}

type allOf struct {
	parts []Tracker
	done  []bool
}

func (t *allOf) Feed(e netcore.Event, own *OwnClients) bool {
	all := true
	for i, p := range t.parts {
		if !t.done[i] {
			t.done[i] = p.Feed(e, own)
		}
		all = all && t.done[i]
	}
	return all
}
