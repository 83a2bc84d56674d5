// Package doctor is `tubes doctor`: it checks what the course relies on
// on this machine, one line each, with a fix for every problem.
package doctor

import (
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/tubes-course/tubes/lessons/usage"
)

// Version names this build: the version and commit stamped by the release
// (stamp, commit), else what the Go toolchain recorded (module version,
// vcs.revision, vcs.modified), and the Go version. Without either it says
// the binary was built from source, in the command line's words.
func Version(stamp, commit string) string {
	version, modified := stamp, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = usage.T("version.source")
	}
	var at []string
	if commit != "" {
		at = append(at, usage.T("version.commit", commit[:min(len(commit), 12)]))
		if modified {
			at = append(at, usage.T("version.modified"))
		}
	}
	if len(at) > 0 {
		version += " (" + strings.Join(at, ", ") + ")"
	}
	return version + ", " + runtime.Version()
}
