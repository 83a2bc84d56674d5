// Package assets holds the course content that is compiled into the binary:
// lesson text per language, the interface strings, and the example programs.
package assets

import "embed"

// Lessons is the tree lessons/<lang>/<id>.md plus, per language, ui.txt
// (the screen), server.txt (the words netcore's Phrases are said in),
// check.txt (tubes check) and cli.txt (the command line).
//
//go:embed lessons
var Lessons embed.FS

// Examples holds, for each lesson, examples/<id>/ with a reference
// solution in three languages, main.go (Go), server.mjs (Node) and
// server.py (Python), standalone programs that do what the lesson's server
// does; and examples/<id>/starter/ with a starter in each, the program
// `tubes init` writes for a learner to finish. All of them listen on
// localhost:$PORT (3001 when unset). The lesson pane shows the Go example;
// `go run ./assets/examples/<id>` runs it.
//
//go:embed examples/*/main.go examples/*/*.mjs examples/*/*.py examples/*/starter/* examples/files/public
var Examples embed.FS
