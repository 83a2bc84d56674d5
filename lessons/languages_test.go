package lessons

import (
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/assets"
)

// These tests read the lesson files one by one (Load stops at the first
// problem), so a translation in progress shows every file it still lacks.

// Every language has every lesson of the course, each with the same steps
// and the same number of hints per step as English, and no stray lessons.
func TestEveryLanguageHasTheWholeCourse(t *testing.T) {
	en := map[string]LessonText{}
	for _, id := range IDs() {
		lt, err := readLessonText("en", id)
		if err != nil {
			t.Fatalf("en: %v", err)
		}
		en[id] = lt
	}
	langs := Languages()
	if !slices.Contains(langs, "en") || len(langs) < 2 {
		t.Errorf("Languages() = %v, want en and at least one translation", langs)
	}
	for _, lang := range langs {
		for _, id := range IDs() {
			file := "assets/lessons/" + lang + "/" + id + ".md"
			lt, err := readLessonText(lang, id)
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			want := en[id]
			if len(lt.Steps) != len(want.Steps) {
				t.Errorf("%s: %d steps, English has %d", file, len(lt.Steps), len(want.Steps))
				continue
			}
			if strings.TrimSpace(lt.Title) == "" || strings.TrimSpace(lt.Intro) == "" {
				t.Errorf("%s: empty title or intro", file)
			}
			for j, st := range lt.Steps {
				if len(st.Hints) != len(want.Steps[j].Hints) {
					t.Errorf("%s step %d (%s): %d hints, English has %d", file, j+1, st.Title, len(st.Hints), len(want.Steps[j].Hints))
				}
				if strings.TrimSpace(st.Title) == "" || strings.TrimSpace(st.Body) == "" {
					t.Errorf("%s step %d: empty title or body", file, j+1)
				}
			}
		}
		// A lesson file the course does not have: renamed, or left over.
		entries, err := fs.ReadDir(assets.Lessons, "lessons/"+lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			id, ok := strings.CutSuffix(e.Name(), ".md")
			if ok && !slices.Contains(IDs(), id) {
				t.Errorf("assets/lessons/%s/%s is not a lesson of the course", lang, e.Name())
			}
		}
	}
}

// Every language's ui.txt (and server.txt, the servers' words) has exactly
// the English keys: none missing (the learner would get English in the
// middle of a translation), none extra (a typo, or a key the app no longer
// uses), none twice.
func TestUIKeysMatchEnglish(t *testing.T) {
	for _, file := range WordFiles {
		t.Run(file, func(t *testing.T) { keysMatchEnglish(t, file) })
	}
	// UIStrings puts the files in one map: a key in two would hide one.
	seen := map[string]string{}
	for _, file := range WordFiles {
		for k := range wordKeys(t, "en", file) {
			if other, ok := seen[k]; ok {
				t.Errorf("%s is in both %s and %s", k, other, file)
			}
			seen[k] = file
		}
	}
}

func keysMatchEnglish(t *testing.T, file string) {
	en := wordKeys(t, "en", file)
	if len(en) < 30 {
		t.Fatalf("en %s has only %d keys", file, len(en))
	}
	for _, lang := range Languages() {
		if lang == "en" {
			continue
		}
		keys := wordKeys(t, lang, file)
		var missing, extra []string
		for k := range en {
			if !keys[k] {
				missing = append(missing, k)
			}
		}
		for k := range keys {
			if !en[k] {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("assets/lessons/%s/%s lacks %d English keys: %s", lang, file, len(missing), strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("assets/lessons/%s/%s has keys English does not: %s", lang, file, strings.Join(extra, ", "))
		}
	}
}

// wordKeys reads lang's own name (ui.txt, server.txt; no English
// fallback) and checks its lines.
func wordKeys(t *testing.T, lang, name string) map[string]bool {
	t.Helper()
	file := "assets/lessons/" + lang + "/" + name
	raw, err := fs.ReadFile(assets.Lessons, "lessons/"+lang+"/"+name)
	if err != nil {
		t.Errorf("%s: %v", file, err)
		return nil
	}
	keys := map[string]bool{}
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "":
			t.Errorf("%s:%d is not \"key = value\": %q", file, i+1, line)
		case v == "":
			t.Errorf("%s:%d: %s has an empty value", file, i+1, k)
		case keys[k]:
			t.Errorf("%s:%d: %s again; the later one wins", file, i+1, k)
		}
		keys[k] = true
	}
	return keys
}
