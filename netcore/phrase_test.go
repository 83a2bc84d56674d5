package netcore

import (
	"slices"
	"testing"
)

func TestPhraseSay(t *testing.T) {
	words := map[string]string{"outer": "after %s came %d bytes", "inner": "line %d"}
	p := Phrase{"outer", []any{Phrase{"inner", []any{3}}, 7}}
	if got := p.Say(words); got != "after line 3 came 7 bytes" {
		t.Errorf("Say = %q", got)
	}
	if got := (Phrase{"absent", []any{1, "x"}}).Say(words); got != "absent 1 x" {
		t.Errorf("missing key = %q", got)
	}
	if got := (Phrase{}).Say(words); got != "" {
		t.Errorf("zero phrase = %q", got)
	}
	if got := p.Keys(); !slices.Equal(got, []string{"outer", "inner"}) {
		t.Errorf("Keys = %v", got)
	}
}
