// Package starter is `tubes init`: it writes a lesson's starter program,
// in the learner's language of choice, into a directory of theirs.
package starter

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tubes-course/tubes/assets"
	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// Code is one language a starter comes in: the file it writes and the
// command that runs it from the directory it was written to.
type Code struct {
	Name, File, Run string
}

// Codes are the starters' languages, in the order --help names them.
var Codes = []Code{
	{"node", "server.mjs", "node server.mjs"},
	{"python", "server.py", "python3 server.py"},
	{"go", "main.go", "go run main.go"},
}

// CodeNames are the values --code takes.
func CodeNames() []string {
	var out []string
	for _, c := range Codes {
		out = append(out, c.Name)
	}
	return out
}

// Find is the language named name.
func Find(name string) (Code, error) {
	for _, c := range Codes {
		if c.Name == name {
			return c, nil
		}
	}
	return Code{}, usage.Bad("usage.init.code", netcore.Quote(name), strings.Join(CodeNames(), ", "))
}

// Files are the starter's files for lesson id in code: their paths
// relative to the directory they go to, and their bytes. Besides the
// program, a lesson's folders beside its example (the files lesson's
// public/) go along, so the starter has what it serves.
func Files(id string, c Code) (map[string][]byte, error) {
	if !slices.Contains(lessons.IDs(), id) {
		return nil, usage.Bad("usage.lesson.none", netcore.Quote(id))
	}
	base := "examples/" + id
	prog, err := fs.ReadFile(assets.Examples, base+"/starter/"+c.File)
	if err != nil {
		return nil, usage.Fail("err.init.nostarter", id, c.Name)
	}
	out := map[string][]byte{c.File: prog}
	entries, _ := fs.ReadDir(assets.Examples, base)
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "starter" {
			continue
		}
		err := fs.WalkDir(assets.Examples, base+"/"+e.Name(), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(assets.Examples, p)
			out[strings.TrimPrefix(p, base+"/")] = b
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ErrExists is returned when a starter file is already there and force
// is off: a learner's work is never overwritten by accident.
var ErrExists = errors.New("exists")

// existsError is ErrExists said in the command line's words.
type existsError string

func (e existsError) Error() string        { return string(e) }
func (e existsError) Is(target error) bool { return target == ErrExists }

// Write writes files into dir, refusing (before writing anything) when one
// exists unless force. It returns the paths written, in order.
func Write(dir string, files map[string][]byte, force bool) ([]string, error) {
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	if !force {
		for _, name := range names {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if _, err := os.Lstat(p); err == nil {
				return nil, existsError(usage.T("err.init.exists", netcore.Quote(p)))
			}
		}
	}
	var wrote []string
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return wrote, err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return wrote, err
		}
		wrote = append(wrote, path.Clean(name))
	}
	return wrote, nil
}

// Flags are tubes init's flags, as typed.
type Flags struct {
	Lesson, Code, Dir string
	Force             bool
}

// Init is tubes init: it writes the starter and prints what it wrote and
// the two commands that come next, in ui's words.
func Init(w io.Writer, f Flags, ui map[string]string) error {
	if f.Lesson == "" {
		return usage.Bad("usage.init.lesson")
	}
	c, err := Find(f.Code)
	if err != nil {
		return err
	}
	files, err := Files(f.Lesson, c)
	if err != nil {
		return err
	}
	dir := f.Dir
	if dir == "" {
		dir = "."
	}
	wrote, err := Write(dir, files, f.Force)
	if err != nil {
		return err
	}
	for _, name := range wrote {
		fmt.Fprintf(w, ui["init.wrote"]+"\n", netcore.Quote(filepath.Join(dir, filepath.FromSlash(name))))
	}
	run := c.Run
	if dir != "." {
		run = "cd " + netcore.Quote(dir) + " && " + run
	}
	fmt.Fprintf(w, ui["init.run"]+"\n", run)
	_, err = fmt.Fprintf(w, ui["init.check"]+"\n", f.Lesson, c.Run)
	return err
}
