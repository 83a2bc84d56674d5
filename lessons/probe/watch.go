package probe

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchDebounce is how long Watch waits after the last change before it
// calls: an editor's save is often several writes and renames.
const WatchDebounce = 300 * time.Millisecond

// maxWatchDirs bounds how many directories one Watch follows.
const maxWatchDirs = 500

// Watch calls changed after each save under paths (files, or directories
// followed with their subdirectories, skipping .git, node_modules and
// such), once per burst of changes that ends in WatchDebounce of quiet.
// Editors' swap and backup files do not count. It returns when ctx ends,
// or at once with an error when a path cannot be watched. changed runs
// on Watch's goroutine, so a save during a run is seen after it.
func Watch(ctx context.Context, paths []string, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	files := map[string]bool{} // files watched through their directory
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			abs, _ := filepath.Abs(p)
			files[abs] = true
			if err := w.Add(filepath.Dir(abs)); err != nil {
				return err
			}
			continue
		}
		if err := addTree(w, p); err != nil {
			return err
		}
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ignoredName(filepath.Base(ev.Name)) || ev.Op == fsnotify.Chmod {
				continue
			}
			if len(files) > 0 && !files[absPath(ev.Name)] && !underWatchedDir(paths, ev.Name) {
				continue
			}
			if ev.Op&fsnotify.Create != 0 {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			timer = time.After(WatchDebounce)
		case <-w.Errors:
		case <-timer:
			timer = nil
			changed()
		}
	}
}

func absPath(p string) string { a, _ := filepath.Abs(p); return a }

// underWatchedDir reports whether name is inside a directory of paths.
func underWatchedDir(paths []string, name string) bool {
	n := absPath(name)
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() && strings.HasPrefix(n, absPath(p)+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// addTree watches dir and its subdirectories, up to maxWatchDirs.
func addTree(w *fsnotify.Watcher, dir string) error {
	n := len(w.WatchList())
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != dir && skippedDir(d.Name()) {
			return filepath.SkipDir
		}
		if n >= maxWatchDirs {
			return filepath.SkipAll
		}
		n++
		return w.Add(p)
	})
}

// skippedDir: directories of tools, not of the learner's code.
func skippedDir(name string) bool {
	switch name {
	case "node_modules", "__pycache__", ".venv", "venv", "vendor", "target", "dist", "build":
		return true
	}
	return strings.HasPrefix(name, ".")
}

// ignoredName: editors' swap, backup and lock files, vim's 4913 probe.
func ignoredName(name string) bool {
	switch {
	case name == "4913", strings.HasSuffix(name, "~"), strings.HasPrefix(name, ".#"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".crswap"), name == ".DS_Store":
		return true
	}
	return false
}
