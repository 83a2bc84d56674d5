package httpwire

import (
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/tubes-course/tubes/netcore"
)

// The parser's reasons are Phrases; its words live in the course's assets,
// which netcore does not import. The tests read them from the files, so
// they can look at the English a learner reads, and check every reason has
// words in every language.

// courseWords reads assets/lessons/<lang>/server.txt as UIStrings does.
func courseWords(lang string) map[string]string {
	raw, err := os.ReadFile("../../assets/lessons/" + lang + "/server.txt")
	if err != nil {
		panic(err)
	}
	words := map[string]string{}
	netcore.ReadWords(words, raw)
	return words
}

var enWords, koWords map[string]string

func TestMain(m *testing.M) {
	enWords, koWords = courseWords("en"), courseWords("ko")
	os.Exit(m.Run())
}

// english is pe's reason as an English-speaking learner reads it.
func english(pe *ParseError) string { return pe.Reason.Say(enWords) }

// Every refusal the parser makes, over the tables of bad requests, has
// words in English and Korean, said without a fmt complaint (a verb
// without its value, or a value without its verb), and the Korean says it
// in Hangul.
func TestEveryRefusalHasWords(t *testing.T) {
	var ins []string
	for _, tc := range wireRejectedCases {
		ins = append(ins, tc.in)
	}
	for _, tc := range chunkedRejected {
		ins = append(ins, chunkedHead+tc.body)
	}
	seen := map[string]bool{}
	for _, in := range ins {
		_, _, err := ParseRequest([]byte(in), Limits{})
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v, want a refusal", in, err)
		}
		for _, k := range pe.Reason.Keys() {
			seen[k] = true
			if !strings.HasPrefix(k, "wire.") {
				t.Errorf("%q: key %s is not under wire.", in, k)
			}
		}
		for lang, words := range map[string]map[string]string{"en": enWords, "ko": koWords} {
			for _, k := range pe.Reason.Keys() {
				if _, ok := words[k]; !ok {
					t.Errorf("%s: no words for %s", lang, k)
				}
			}
			said := pe.Reason.Say(words)
			if strings.Contains(said, "%!") {
				t.Errorf("%s: %s says %q", lang, pe.Reason.Key, said)
			}
			checkSafeReason(t, said)
		}
		if !strings.ContainsFunc(pe.Reason.Say(koWords), func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
			t.Errorf("ko: %s has no Hangul: %q", pe.Reason.Key, pe.Reason.Say(koWords))
		}
	}
	// The tables reach every wire.* key the words have: a key no bad
	// request reaches is either dead or untested.
	var unreached []string
	for k := range enWords {
		if strings.HasPrefix(k, "wire.") && !seen[k] {
			unreached = append(unreached, k)
		}
	}
	sort.Strings(unreached)
	if len(unreached) > 0 {
		t.Errorf("no bad request in the tables is refused with %s", strings.Join(unreached, ", "))
	}
}
