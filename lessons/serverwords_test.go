package lessons

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// netcore says its words by key (netcore.Phrase, keys wire.* and srv.*)
// and holds none itself: they are in assets/lessons/<lang>/server.txt.
// These tests read netcore's Go source for every key literal, so a key
// added in code without its words (in any language) fails here, and so
// does a word no code says any more.

var phraseKey = regexp.MustCompile(`"((?:wire|srv)\.[a-z0-9.]*[a-z0-9])"`)

// netcoreKeys finds every key literal in netcore's non-test Go files, with
// where it is.
func netcoreKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	err := filepath.WalkDir("../netcore", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range phraseKey.FindAllSubmatchIndex(src, -1) {
			k := string(src[m[2]:m[3]])
			if _, ok := keys[k]; !ok {
				keys[k] = path + ":" + strconv.Itoa(1+strings.Count(string(src[:m[0]]), "\n"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys in netcore's source; is the pattern still right?", len(keys))
	}
	return keys
}

func TestNetcoreKeysHaveWords(t *testing.T) {
	used := netcoreKeys(t)
	for _, lang := range Languages() {
		own := wordKeys(t, lang, "server.txt")
		var missing []string
		for k, where := range used {
			if !own[k] {
				missing = append(missing, k+" ("+where+")")
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("assets/lessons/%s/server.txt has no words for:\n%s", lang, strings.Join(missing, "\n"))
		}
	}
	var unused []string
	for k := range wordKeys(t, "en", "server.txt") {
		if _, ok := used[k]; !ok {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("server.txt has words no netcore code says: %s", strings.Join(unused, ", "))
	}
}

// fmtVerb is one fmt verb: an optional explicit argument index, flags,
// width and precision, and the verb letter.
var fmtVerb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbsByArg maps each argument a format uses (1-based) to its verb
// letter, as fmt counts them: an index sets the place, each verb then
// takes the next.
func verbsByArg(format string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range fmtVerb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out[next] = m[2]
		next++
	}
	return out
}

// A translation takes the same values as English, each with the same kind
// of verb, whatever order it says them in: otherwise Say prints %!d(…) or
// %!(EXTRA …) to the learner.
func TestServerWordsTakeTheSameValues(t *testing.T) {
	en := UIStrings("en")
	for _, lang := range Languages() {
		words := UIStrings(lang)
		for k := range wordKeys(t, lang, "server.txt") {
			want, got := verbsByArg(en[k]), verbsByArg(words[k])
			if len(want) != len(got) {
				t.Errorf("%s %s takes %d values, English %d: %q", lang, k, len(got), len(want), words[k])
				continue
			}
			for i, v := range want {
				if got[i] != v {
					t.Errorf("%s %s says value %d with %%%s, English with %%%s: %q", lang, k, i, got[i], v, words[k])
				}
			}
		}
	}
}
