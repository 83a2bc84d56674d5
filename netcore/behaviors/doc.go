// Package behaviors holds the lesson servers: each Behavior is the whole
// program that runs on one connection in a lesson step, short enough to be
// read as lesson material. They use only netcore's exported API and
// netcore/httpwire. Add a server here, then bind it to a step in
// lessons/course.go.
package behaviors
