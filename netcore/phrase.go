package netcore

import (
	"fmt"
	"strings"
)

// Phrase is words for a person held as a key and the values for its fmt
// verbs. The text behind each key lives in assets, in every language the
// course speaks, so code below the course holds no prose: whoever shows a
// Phrase says it with the learner's words. An argument that is itself a
// Phrase is said first, in the same words, and a []Phrase is said as a
// list joined by commas.
type Phrase struct {
	Key  string
	Args []any
}

// Say returns p as text from words, which maps a key to its format. A key
// words lacks shows as the key followed by its values, so a missing string
// is visible (tests forbid it) but nothing is lost.
func (p Phrase) Say(words map[string]string) string {
	if p.Key == "" {
		return ""
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case Phrase:
			args[i] = v.Say(words)
		case *Phrase:
			args[i] = v.Say(words)
		case []Phrase:
			said := make([]string, len(v))
			for j, x := range v {
				said[j] = x.Say(words)
			}
			args[i] = strings.Join(said, ", ")
		default:
			args[i] = a
		}
	}
	format, ok := words[p.Key]
	if !ok {
		var b strings.Builder
		b.WriteString(p.Key)
		for _, a := range args {
			fmt.Fprintf(&b, " %v", a)
		}
		return b.String()
	}
	return fmt.Sprintf(format, args...)
}

// Keys lists p's key and the keys of the phrases among its arguments, for
// tests that every key has words.
func (p Phrase) Keys() []string {
	if p.Key == "" {
		return nil
	}
	keys := []string{p.Key}
	for _, a := range p.Args {
		switch v := a.(type) {
		case Phrase:
			keys = append(keys, v.Keys()...)
		case *Phrase:
			keys = append(keys, v.Keys()...)
		case []Phrase:
			for _, x := range v {
				keys = append(keys, x.Keys()...)
			}
		}
	}
	return keys
}
