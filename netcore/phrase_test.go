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

func TestPhraseList(t *testing.T) {
	words := map[string]string{"chars": "counts bytes (%s)", "char": "%s is %d bytes"}
	p := Phrase{"chars", []any{[]Phrase{{"char", []any{"é", 2}}, {"char", []any{"🎉", 4}}}}}
	if got := p.Say(words); got != "counts bytes (é is 2 bytes, 🎉 is 4 bytes)" {
		t.Errorf("Say = %q", got)
	}
	if got := p.Keys(); !slices.Equal(got, []string{"chars", "char", "char"}) {
		t.Errorf("Keys = %v", got)
	}
}

func TestReadWords(t *testing.T) {
	words := map[string]string{}
	ReadWords(words, []byte("# a comment = not a key\na = first\nb=  spaced out  \n\nno equals sign\n"))
	ReadWords(words, []byte("a = second, with = inside\n"))
	if len(words) != 2 || words["a"] != "second, with = inside" || words["b"] != "spaced out" {
		t.Errorf("words = %q", words)
	}
}
