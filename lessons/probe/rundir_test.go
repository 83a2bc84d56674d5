package probe

import (
	"os"
	"path/filepath"
	"testing"
)

// The directory a --watch or a Your-turn run watches: the folder of the
// file the command names, or the folder it names; else the current one.
func TestRunDir(t *testing.T) {
	dir := t.TempDir()
	srv := filepath.Join(dir, "server.mjs")
	if err := os.WriteFile(srv, []byte("//"), 0o600); err != nil {
		t.Fatal(err)
	}
	for cmd, want := range map[string]string{
		"node " + srv:             dir,
		`python3 "` + srv + `"`:   dir,
		"go run " + dir:           dir,
		"node --watch " + srv:     dir,
		"./missing-server --x":    ".",
		"":                        ".",
		"   ":                     ".",
		"node server-not-here.js": ".",
	} {
		if got := RunDir(cmd); got != want {
			t.Errorf("RunDir(%q) = %q, want %q", cmd, got, want)
		}
	}
}
