package lessons

import (
	"fmt"
	"io/fs"
	"maps"
	"strings"

	"github.com/tubes-course/tubes/assets"
)

// StepText is the words of one step, as written in assets/lessons/<lang>.
type StepText struct {
	Title string
	Body  string
	Hints []string
}

// LessonText is one lesson file, split into its steps.
type LessonText struct {
	Title string
	Intro string
	Steps []StepText
}

// The lesson file format: "# Title", an optional intro, then one "## Step"
// heading per step. Lines starting with "?> " are that step's hints.
const (
	titlePrefix = "# "
	stepPrefix  = "## "
	hintPrefix  = "?> "
)

// Languages lists the languages that have lessons, from the assets.
func Languages() []string {
	entries, _ := fs.ReadDir(assets.Lessons, "lessons")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func readLessonText(lang, id string) (LessonText, error) {
	raw, err := fs.ReadFile(assets.Lessons, "lessons/"+lang+"/"+id+".md")
	if err != nil {
		return LessonText{}, fmt.Errorf("lesson %s has no %s text", id, lang)
	}
	return parseLessonText(string(raw))
}

func parseLessonText(src string) (LessonText, error) {
	var lt LessonText
	var cur *StepText
	var body strings.Builder
	finish := func() {
		text := strings.TrimSpace(body.String())
		body.Reset()
		if cur == nil {
			lt.Intro = text
			return
		}
		cur.Body = text
		lt.Steps = append(lt.Steps, *cur)
	}
	src = strings.TrimPrefix(strings.ReplaceAll(src, "\r\n", "\n"), "\ufeff")
	fence := ""
	for i, line := range strings.Split(src, "\n") {
		if i == 0 {
			if !strings.HasPrefix(line, titlePrefix) || strings.TrimSpace(line[len(titlePrefix):]) == "" {
				return lt, fmt.Errorf("line 1 must be the lesson title (%q and a title)", titlePrefix)
			}
			lt.Title = strings.TrimSpace(line[len(titlePrefix):])
			continue
		}
		// A fence opens with ``` or ~~~ indented up to three spaces, and is
		// closed by the same kind; inside it nothing is a step or a hint.
		if f := fenceOf(line); f != "" && (fence == "" || f == fence) {
			if fence == "" {
				fence = f
			} else {
				fence = ""
			}
			body.WriteString(line + "\n")
			continue
		}
		switch {
		case fence != "":
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, stepPrefix):
			finish()
			cur = &StepText{Title: strings.TrimSpace(strings.TrimPrefix(line, stepPrefix))}
		case strings.HasPrefix(line, hintPrefix):
			if cur == nil {
				return lt, fmt.Errorf("line %d: a hint before the first step", i+1)
			}
			cur.Hints = append(cur.Hints, strings.TrimSpace(strings.TrimPrefix(line, hintPrefix)))
		default:
			body.WriteString(line + "\n")
		}
	}
	finish()
	if len(lt.Steps) == 0 {
		return lt, fmt.Errorf("no steps (each starts with %q)", stepPrefix)
	}
	return lt, nil
}

func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return ""
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// specPlaceholder stands for the lesson's check spec in its Your-turn
// step; Load fills it from the lesson's probe set, in the course language.
const specPlaceholder = "{{spec}}"

// Fill replaces the placeholders in lesson text: the address ({{host}},
// {{port}}, {{addr}}, {{url}}) and the sentence that says who can connect
// ({{reach}}), which depends on whether the room is let in.
func Fill(text string, a Address) string {
	return strings.NewReplacer("{{addr}}", a.HostPort(), "{{host}}", a.dialHost(), "{{port}}", a.PortString(), "{{url}}", a.URL(),
		"{{reach}}", a.Reach).Replace(text)
}

// Example is the source of the lesson's example program in Go, or "" if
// it has none.
func Example(id string) string { return ExampleFile(id, "main.go") }

// ExampleFile is the source of the lesson's reference solution named file
// (main.go, server.mjs, server.py), or "" if there is none.
func ExampleFile(id, file string) string {
	raw, err := fs.ReadFile(assets.Examples, "examples/"+id+"/"+file)
	if err != nil {
		return ""
	}
	return string(raw)
}

// WordFiles are the files of "key = value" lines UIStrings reads from each
// language's folder: the interface's strings, and the lesson servers' words
// (netcore.Phrase keys wire.* and srv.*), which netcore is handed through
// netcore.Config.Words.
var WordFiles = []string{"ui.txt", "server.txt"}

// UIStrings loads the interface strings for lang ("key = value" lines),
// falling back to English for keys the language lacks: a copy of its own.
func UIStrings(lang string) map[string]string {
	return maps.Clone(assets.Words(lang, WordFiles...))
}
