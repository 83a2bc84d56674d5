package lessons

import (
	"fmt"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// Binding is the Go half of a step: the server it runs, what enter does,
// and when it is done. The words live in assets/lessons.
type Binding struct {
	Behavior netcore.Behavior
	Action   ActionKind
	Check    Check
}

// Step is a step's words and its binding together.
type Step struct {
	StepText
	Binding
}

// Lesson is one lesson of the course in one language.
type Lesson struct {
	ID    string
	Title string
	Intro string
	Steps []Step
}

// Course is every lesson, in order, in one language.
type Course struct {
	Lang    string
	Lessons []Lesson
}

// bindings are the course's steps in order. A lesson's text must have
// exactly as many steps as it has bindings here.
var bindings = []struct {
	id    string
	steps []Binding
}{
	{"tcp-accept", []Binding{
		{netcore.AcceptOnly{Idle: 10 * time.Second}, ConnectOnly, ServerAccepts()},
		{netcore.AcceptOnly{Idle: 2 * time.Minute}, NoAction, ExternalSends()},
		{netcore.AcceptOnly{Idle: 3 * time.Second}, NoAction, HTTPRequestThenClose()},
	}},
	{"ping-pong", []Binding{
		{netcore.PingPong{Idle: 60 * time.Second}, SendMessage, ClientReceives(netcore.PongReply)},
		{netcore.PingPong{Idle: 60 * time.Second}, NoAction, ExternalGetsReply()},
	}},
	{"http-response", []Binding{
		{netcore.HTTPHello{Idle: 10 * time.Second}, SendRequest, ClientReceivesPrefix([]byte("HTTP/1.1 200 OK\r\n"))},
		{netcore.HTTPHello{Idle: 10 * time.Second}, NoAction, UserAgentGetsReply("curl/")},
		{netcore.HTTPHello{Idle: 10 * time.Second}, NoAction, UserAgentGetsReply("Mozilla/")},
	}},
}

// IDs are the lesson ids in course order.
func IDs() []string {
	out := make([]string, len(bindings))
	for i, b := range bindings {
		out[i] = b.id
	}
	return out
}

// Load reads the course in lang and binds every step.
func Load(lang string) (*Course, error) {
	c := &Course{Lang: lang}
	for _, b := range bindings {
		text, err := readLessonText(lang, b.id)
		if err != nil {
			return nil, err
		}
		if len(text.Steps) != len(b.steps) {
			return nil, fmt.Errorf("lesson %s (%s) has %d steps in its text but %d in the course", b.id, lang, len(text.Steps), len(b.steps))
		}
		l := Lesson{ID: b.id, Title: text.Title, Intro: text.Intro}
		for i, st := range text.Steps {
			l.Steps = append(l.Steps, Step{StepText: st, Binding: b.steps[i]})
		}
		c.Lessons = append(c.Lessons, l)
	}
	return c, nil
}

// Find returns the index of the lesson with id, or -1.
func (c *Course) Find(id string) int {
	for i, l := range c.Lessons {
		if l.ID == id {
			return i
		}
	}
	return -1
}
