// Package assets holds the course content that is compiled into the binary:
// lesson text per language, the interface strings, and the example programs.
package assets

import "embed"

// Lessons is the tree lessons/<lang>/<id>.md plus lessons/<lang>/ui.txt.
//
//go:embed lessons
var Lessons embed.FS

// Examples holds examples/<id>/main.go: for each lesson, a standalone
// program that does what the lesson's server does. The lesson pane shows
// them; `go run ./assets/examples/<id>` runs them.
//
//go:embed examples/*/main.go
var Examples embed.FS
