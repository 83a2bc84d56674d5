package lessons

import "testing"

func TestZZProbe(t *testing.T) {
	for _, s := range []string{
		"# \n## S\nb\n?> h",
		"```\ncode\n```\n## S\nb",
		"\ufeff# T\n## S\nb",
		"# T\n  ```\n## not a step\n  ```\n## S\nb",
		"# T\n~~~\n## not a step\n~~~\n## S\nb",
	} {
		lt, err := parseLessonText(s)
		t.Logf("%q -> title=%q steps=%d err=%v", s, lt.Title, len(lt.Steps), err)
	}
}
