package lessons

import (
	"reflect"
	"strings"
	"testing"
)

// These tests sit inside the package because the parser is unexported; the
// rest of the lesson tests use only the public API.

func TestParseLessonText(t *testing.T) {
	src := strings.Join([]string{
		"# Sockets 101",
		"",
		"An intro paragraph.",
		"",
		"## First step",
		"Do the first thing.",
		"?> hint one",
		"More body after a hint.",
		"?>   hint two  ",
		"### A sub-heading stays in the body",
		"",
		"## Second step",
		"```",
		"## not a step, just code",
		"?> not a hint, just code",
		"```",
		"?> last hint",
	}, "\r\n") // CRLF on purpose: files edited on Windows must parse the same

	got, err := parseLessonText(src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	want := LessonText{
		Title: "Sockets 101",
		Intro: "An intro paragraph.",
		Steps: []StepText{
			{
				Title: "First step",
				Body:  "Do the first thing.\nMore body after a hint.\n### A sub-heading stays in the body",
				Hints: []string{"hint one", "hint two"},
			},
			{
				Title: "Second step",
				Body:  "```\n## not a step, just code\n?> not a hint, just code\n```",
				Hints: []string{"last hint"},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed\n%#v\nwant\n%#v", got, want)
	}
}

func TestParseLessonTextNoIntro(t *testing.T) {
	got, err := parseLessonText("# T\n## Only\nbody\n?> h1\n?> h2\n")
	if err != nil {
		t.Fatal(err)
	}
	if got.Intro != "" || len(got.Steps) != 1 || got.Steps[0].Body != "body" || len(got.Steps[0].Hints) != 2 {
		t.Errorf("got %#v", got)
	}
}

func TestParseLessonTextErrors(t *testing.T) {
	cases := []struct {
		name, src, wantErr string
	}{
		{"missing title", "Just text\n## Step\nbody\n", "title"},
		{"step before title", "## Step\nbody\n", "title"},
		{"hint before first step", "# T\nintro\n?> too early\n## Step\nbody\n", "line 3"},
		{"no steps", "# T\nonly an intro\n", "no steps"},
		// A "##" inside a fence is code, so this file has no steps at all.
		{"only fenced headings", "# T\n```\n## code\n```\n", "no steps"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseLessonText(c.src)
			if err == nil {
				t.Fatalf("no error for %q", c.src)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %q does not mention %q", err, c.wantErr)
			}
		})
	}
}
