// Package assets holds the course content that is compiled into the binary:
// lesson text per language, and the interface strings.
package assets

import "embed"

// Lessons is the tree lessons/<lang>/<id>.md plus lessons/<lang>/ui.txt.
//
//go:embed lessons
var Lessons embed.FS
