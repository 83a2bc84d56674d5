package probe

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/assets"
)

// checkKeys reads lang's own check.txt, without the English fallback.
func checkKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	raw, err := fs.ReadFile(assets.Lessons, "lessons/"+lang+"/check.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// Korean has every English key of check.txt and no other, each with the
// same count of fill-ins; every probe of every set has a name and a
// "passes" in both.
func TestCheckWordsComplete(t *testing.T) {
	en, ko := checkKeys(t, "en"), checkKeys(t, "ko")
	for k, v := range en {
		kv, ok := ko[k]
		if !ok || kv == "" {
			t.Errorf("ko check.txt lacks %s", k)
			continue
		}
		if strings.Count(v, "%") != strings.Count(kv, "%") {
			t.Errorf("%s: en has %d fill-ins, ko %d", k, strings.Count(v, "%"), strings.Count(kv, "%"))
		}
	}
	for k := range ko {
		if _, ok := en[k]; !ok {
			t.Errorf("ko check.txt has %s, which English does not", k)
		}
	}
	for id, set := range setOf {
		for _, lang := range []string{"en", "ko"} {
			spec := Spec(set, lang)
			if len(spec) == 0 {
				t.Errorf("%s: empty spec", id)
			}
			for _, it := range spec {
				if it.ID == "" || it.Name == "" || strings.HasPrefix(it.Passes, "probe.") || it.Command == "" {
					t.Errorf("%s/%s: spec item %+v", id, lang, it)
				}
			}
		}
	}
	// Spec comes from the set: http-request's split request is in it.
	var ids []string
	for _, it := range Spec(HTTPRequest, "en") {
		ids = append(ids, it.ID)
	}
	if !slices.Contains(ids, "split-line") || !slices.Contains(ids, "pipelined") || !slices.Contains(ids, "late-body") {
		t.Errorf("http-request spec ids: %v", ids)
	}
}

// The spec is rendered into the lesson's text: it must read the same each
// time, so no random key or mask may show in it.
func TestSpecIsTheSameEachTime(t *testing.T) {
	for id, set := range setOf {
		if a, b := Spec(set, "en"), Spec(set, "en"); !slices.Equal(a, b) {
			t.Errorf("%s: two renders of the spec differ", id)
		}
	}
}
