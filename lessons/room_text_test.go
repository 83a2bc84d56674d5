package lessons

import (
	"regexp"
	"strings"
	"testing"
)

// Under --lan the commands in every lesson name the room address, and the
// sentence about who can connect says the room can: a student who follows
// the projected text reaches the teacher's machine, not their own.
// localhostPort is localhost with the lesson's port: a command or a link
// that would reach the student's own machine. (The text may still name
// localhost, e.g. among a certificate's names.)
var localhostPort = regexp.MustCompile(`localhost[: ]4100`)

func TestRoomAddressFillsEveryCommand(t *testing.T) {
	ui := UIStrings("en")
	room := Address{Host: "192.0.2.2", Port: 4100, Reach: ui["reach.room"]}
	for _, lang := range Languages() {
		c, err := Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range c.Lessons {
			for i, s := range l.Steps {
				texts := append([]string{s.Body, l.Intro}, s.Hints...)
				for _, text := range texts {
					filled := Fill(text, room)
					if localhostPort.MatchString(filled) {
						t.Errorf("%s %s/%d names localhost in the room: %q", lang, l.ID, i+1, firstLineWith(filled, "localhost"))
					}
					if strings.Contains(filled, "{{") {
						t.Errorf("%s %s/%d keeps a placeholder: %q", lang, l.ID, i+1, firstLineWith(filled, "{{"))
					}
				}
			}
		}
	}
	tcp := mustLesson(t, "en", "tcp-accept").Intro
	if got := Fill(tcp, room); strings.Contains(got, "only programs on this machine") || !strings.Contains(got, ui["reach.room"]) {
		t.Errorf("the room is told only this machine can connect:\n%s", got)
	}
	if got := Fill(tcp, Address{Host: "localhost", Port: 3000, Reach: ui["reach.local"]}); !strings.Contains(got, "only programs on this machine") {
		t.Errorf("alone, the text should say only this machine can connect:\n%s", got)
	}
	if got := Fill("nc {{host}} {{port}}", room); got != "nc 192.0.2.2 4100" {
		t.Errorf("{{host}}: %q", got)
	}
}

func firstLineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func mustLesson(t *testing.T, lang, id string) Lesson {
	t.Helper()
	c, err := Load(lang)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Find(id)
	if i < 0 {
		t.Fatalf("no lesson %s", id)
	}
	return c.Lessons[i]
}
