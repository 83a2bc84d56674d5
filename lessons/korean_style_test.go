package lessons

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/tubes-course/tubes/assets"
)

// koProse returns the Korean prose of a lesson file or ui.txt, line by
// line, with what is not prose taken out: fenced code blocks and inline
// code in a lesson, comments and keys in ui.txt. A line that is removed
// comes back as "" so the line numbers still match the file.
func koProse(t *testing.T, name string) []string {
	t.Helper()
	raw, err := fs.ReadFile(assets.Lessons, "lessons/ko/"+name)
	if err != nil {
		t.Fatalf("assets/lessons/ko/%s: %v", name, err)
	}
	lines := strings.Split(string(raw), "\n")
	fenced := false
	for i, l := range lines {
		switch {
		case strings.HasSuffix(name, ".txt"):
			_, v, ok := strings.Cut(l, "=")
			if strings.HasPrefix(strings.TrimSpace(l), "#") || !ok {
				v = ""
			}
			lines[i] = v
		case strings.HasPrefix(l, "```"):
			fenced = !fenced
			lines[i] = ""
		case fenced:
			lines[i] = ""
		}
	}
	return lines
}

// koFiles is every Korean lesson file and ui.txt.
func koFiles() []string {
	names := []string{"ui.txt", "server.txt"}
	for _, id := range IDs() {
		names = append(names, id+".md")
	}
	return names
}

var inlineCode = regexp.MustCompile("`[^`]*`")

// The Korean course speaks in one voice, 해요체: no sentence or hint ends
// in 합니다체 (…니다, …니까?) or in the plain 해라체 (…다.), which read as
// a different, stiffer writer in the middle of a lesson.
func TestKoreanOneVoice(t *testing.T) {
	formal := regexp.MustCompile(`[가-힣]*(니다|니까\?)`)
	plain := regexp.MustCompile(`[가-힣]+다[.!?:]( |$)`)
	for _, name := range koFiles() {
		for i, l := range koProse(t, name) {
			l = inlineCode.ReplaceAllString(l, "`…`")
			for _, re := range []*regexp.Regexp{formal, plain} {
				if m := re.FindString(l); m != "" {
					t.Errorf("assets/lessons/ko/%s:%d: %q is not 해요체: %s", name, i+1, m, l)
					break
				}
			}
		}
	}
}

// The course's word for the tap is 중계기. 탭 is a browser tab or the tab
// character, and means only that: each place it is used is listed here.
func TestKoreanTapIsRelay(t *testing.T) {
	allowed := []string{"브라우저 탭", "새 탭", "탭 문자", "공백이나 탭"}
	for _, name := range append(koFiles(), "check.txt", "cli.txt") {
		for i, l := range koProse(t, name) {
			for _, a := range allowed {
				l = strings.ReplaceAll(l, a, "")
			}
			if strings.Contains(l, "탭") {
				t.Errorf("assets/lessons/ko/%s:%d says 탭; the tap is 중계기 (a tab: add its phrase to the list): %s", name, i+1, l)
			}
		}
	}
}

// A particle never hangs on inline code: how `x` is read aloud decides
// 을 or 를, and the reader cannot know, so a noun goes between ("`enter`
// 키를", "`nc` 명령으로"). On a plain ASCII word the particle sits right
// on it ("curl로"), never after a space.
func TestKoreanParticles(t *testing.T) {
	// Spans are matched left to right, so a closing backtick never opens one.
	onCode := regexp.MustCompile("`[^`]*`[가-힣]*")
	spaced := regexp.MustCompile(`[A-Za-z0-9)\]}…] (을|를|가|은|는|로|으로|에|에서|에는|의|와|과|도|만|이나|나|처럼|이라고|라고|이에요|예요)([ .,:;)]|$)`)
	for _, name := range koFiles() {
		for i, l := range koProse(t, name) {
			for _, m := range onCode.FindAllString(l, -1) {
				if strings.HasSuffix(m, "`") {
					continue
				}
				t.Errorf("assets/lessons/ko/%s:%d: a particle on inline code, %q: %s", name, i+1, m, l)
			}
			if m := spaced.FindString(inlineCode.ReplaceAllString(l, "")); m != "" {
				t.Errorf("assets/lessons/ko/%s:%d: a space before a particle, %q: %s", name, i+1, m, l)
			}
		}
	}
}
