// Package lessons is the course: the registry of lessons (course.go), the
// Goal that decides when a step is done (goals.go), what enter does in a
// step (actions.go), the lesson text read from assets (text.go) and the
// learner's progress (progress.go).
//
// Adding a lesson is one entry in the registry in course.go (its steps'
// behaviors, actions and goals, and its probe set from lessons/probe) plus
// its text in assets/lessons/<lang>/<id>.md. `tubes check` lives in
// lessons/probe.
package lessons
