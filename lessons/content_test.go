package lessons_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/assets"
	"github.com/tubes-course/tubes/lessons"
)

// Every language that ships must load completely: a translator who drops or
// adds a step, or forgets a hint, should fail here, not in front of a class.
func TestEveryLanguageLoads(t *testing.T) {
	langs := lessons.Languages()
	if !contains(langs, "en") {
		t.Fatalf("Languages() = %v, want en among them", langs)
	}
	for _, lang := range langs {
		c, err := lessons.Load(lang)
		if err != nil {
			t.Errorf("Load(%q): %v", lang, err)
			continue
		}
		if c.Lang != lang {
			t.Errorf("Load(%q).Lang = %q", lang, c.Lang)
		}
		ids := lessons.IDs()
		if len(c.Lessons) != len(ids) {
			t.Fatalf("%s: %d lessons, want %d", lang, len(c.Lessons), len(ids))
		}
		for i, l := range c.Lessons {
			if l.ID != ids[i] {
				t.Errorf("%s: lesson %d is %q, want %q", lang, i, l.ID, ids[i])
			}
			if strings.TrimSpace(l.Title) == "" {
				t.Errorf("%s/%s: empty title", lang, l.ID)
			}
			if len(l.Steps) == 0 {
				t.Errorf("%s/%s: no steps", lang, l.ID)
			}
			for j, s := range l.Steps {
				where := lang + "/" + l.ID + " step " + strconv.Itoa(j+1)
				if strings.TrimSpace(s.Title) == "" || strings.TrimSpace(s.Body) == "" {
					t.Errorf("%s: empty title or body", where)
				}
				if len(s.Hints) < 2 {
					t.Errorf("%s: %d hints, want at least 2", where, len(s.Hints))
				}
				for _, h := range s.Hints {
					if strings.TrimSpace(h) == "" {
						t.Errorf("%s: empty hint", where)
					}
				}
				if s.Behavior == nil || s.Goal.NewTracker == nil {
					t.Errorf("%s: step has no behavior or no check", where)
				}
			}
		}
	}
}

func TestUnknownLanguageFails(t *testing.T) {
	if _, err := lessons.Load("xx"); err == nil {
		t.Error("Load(xx) succeeded; want an error naming the missing text")
	}
}

// The port is chosen at run time (--port, --listen, or port 0 in tests), so
// lesson text must say {{port}}/{{addr}}/{{url}}, never the default 3000.
var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

func TestLessonTextUsesPlaceholders(t *testing.T) {
	known := map[string]bool{"{{addr}}": true, "{{port}}": true, "{{url}}": true, "{{host}}": true, "{{reach}}": true, "{{spec}}": true}
	n := 0
	err := fs.WalkDir(assets.Lessons, "lessons", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		n++
		raw, err := fs.ReadFile(assets.Lessons, path)
		if err != nil {
			return err
		}
		text := string(raw)
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "3000") {
				t.Errorf("%s:%d has a literal 3000; use {{port}}, {{addr}} or {{url}}: %s", path, i+1, line)
			}
		}
		// An unknown placeholder would reach the learner's screen as is.
		for _, p := range placeholder.FindAllString(text, -1) {
			if !known[p] {
				t.Errorf("%s: unknown placeholder %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no lesson files in assets")
	}
}

func TestFill(t *testing.T) {
	text := "at {{addr}}, nc localhost {{port}}, curl {{url}}; again {{port}}"
	cases := []struct {
		a    lessons.Address
		want string
	}{
		{lessons.Address{Host: "localhost", Port: 4242},
			"at localhost:4242, nc localhost 4242, curl http://localhost:4242/; again 4242"},
		// A wildcard listen address is not something a client can dial.
		{lessons.Address{Host: "0.0.0.0", Port: 8080},
			"at localhost:8080, nc localhost 8080, curl http://localhost:8080/; again 8080"},
		{lessons.Address{Host: "::", Port: 8080},
			"at localhost:8080, nc localhost 8080, curl http://localhost:8080/; again 8080"},
		{lessons.Address{Host: "", Port: 1},
			"at localhost:1, nc localhost 1, curl http://localhost:1/; again 1"},
		// IPv6 literals need brackets in host:port and in URLs.
		{lessons.Address{Host: "::1", Port: 3001},
			"at [::1]:3001, nc localhost 3001, curl http://[::1]:3001/; again 3001"},
		{lessons.Address{Host: "192.168.1.20", Port: 3001},
			"at 192.168.1.20:3001, nc localhost 3001, curl http://192.168.1.20:3001/; again 3001"},
	}
	for _, c := range cases {
		if got := lessons.Fill(text, c.a); got != c.want {
			t.Errorf("Fill(%+v)\n got %q\nwant %q", c.a, got, c.want)
		}
	}
}

// After filling, real lesson text has no placeholder left anywhere a
// learner reads: intro, titles, bodies, hints.
func TestFillRealLessons(t *testing.T) {
	c, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	a := lessons.Address{Host: "0.0.0.0", Port: 45678}
	sawPort := false
	for _, l := range c.Lessons {
		parts := []string{l.Title, l.Intro}
		for _, s := range l.Steps {
			parts = append(parts, s.Title, s.Body)
			parts = append(parts, s.Hints...)
		}
		for _, p := range parts {
			f := lessons.Fill(p, a)
			if strings.Contains(f, "{{") {
				t.Errorf("%s: placeholder left after Fill: %q", l.ID, f)
			}
			if strings.Contains(f, "0.0.0.0") {
				t.Errorf("%s: wildcard host shown to the learner: %q", l.ID, f)
			}
			sawPort = sawPort || strings.Contains(f, "45678")
		}
	}
	if !sawPort {
		t.Error("no lesson mentions the port after Fill; placeholders are not being used")
	}
}

// uiKeyRefs are the ways the tui looks strings up: m.t("k") or t("k").
var (
	tCall     = regexp.MustCompile(`\bt\("([^"]+)"\)`)
	keyName   = regexp.MustCompile(`"(key\.[a-z0-9.]+)"`)
	uiIndexed = regexp.MustCompile(`UIStrings\([^)]*\)\["([^"]+)"\]`)
)

// This test keeps assets/lessons/en/ui.txt complete: any string the tui (or
// main) asks for must exist, or the learner sees the raw key.
func TestUIStringsCoverTUI(t *testing.T) {
	ui := lessons.UIStrings("en")
	need := map[string]string{} // key -> where it was seen
	files, err := filepath.Glob(filepath.Join("..", "tui", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	mains, _ := filepath.Glob(filepath.Join("..", "*.go"))
	// The plain course and the Your-turn check say the interface's words too.
	plain, _ := filepath.Glob(filepath.Join("..", "tui", "plain", "*.go"))
	yours, _ := filepath.Glob(filepath.Join("yourturn", "*.go"))
	files = append(append(files, plain...), yours...)
	for _, f := range append(files, mains...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(raw)
		for _, m := range tCall.FindAllStringSubmatch(src, -1) {
			need[m[1]] = f
		}
		for _, m := range uiIndexed.FindAllStringSubmatch(src, -1) {
			need[m[1]] = f
		}
		if filepath.Base(f) == "keys.go" {
			for _, m := range keyName.FindAllStringSubmatch(src, -1) {
				need[m[1]] = f
			}
		}
	}
	// The enter key's label is built as "key.enter."+action for the step.
	c, err := lessons.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		for _, s := range l.Steps {
			if !s.Action.None() {
				need["key.enter."+s.Action.Label] = "action of " + l.ID
			}
		}
	}
	// Guard against the scan silently finding nothing (moved files, new
	// helper name): the tui uses dozens of strings.
	if len(need) < 30 {
		t.Fatalf("found only %d UI keys in ../tui; is the scan still right? %v", len(need), need)
	}
	keys := make([]string, 0, len(need))
	for k := range need {
		keys = append(keys, k)
	}
	sort.Strings(keys) // stable failure output
	for _, k := range keys {
		where := need[k]
		if v, ok := ui[k]; !ok || v == "" {
			t.Errorf("ui.txt (en) lacks %q, used in %s", k, where)
		}
	}
}

// A language without its own ui.txt (or missing keys) falls back to English.
func TestUIStringsFallBackToEnglish(t *testing.T) {
	en := lessons.UIStrings("en")
	xx := lessons.UIStrings("xx")
	if len(en) == 0 || len(xx) != len(en) {
		t.Fatalf("en has %d strings, xx has %d", len(en), len(xx))
	}
	for k, v := range en {
		if xx[k] != v {
			t.Errorf("xx[%q] = %q, want English %q", k, xx[k], v)
		}
	}
	for _, lang := range lessons.Languages() {
		ui := lessons.UIStrings(lang)
		for k := range en {
			if ui[k] == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
