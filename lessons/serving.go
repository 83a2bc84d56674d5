package lessons

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// While tubes serves a lesson, a small file in the state directory names
// the ports it listens on (serving/<pid>), so that `tubes check` can tell
// a learner who points it at tubes itself. It is written when the server
// starts and removed when it stops; one a crash left behind is ignored
// once its process is gone.

func servingDir(dir string) string { return filepath.Join(dir, "serving") }

// MarkServing writes the runtime file of this process, naming ports, in
// the state directory dir. The returned func removes it.
func MarkServing(dir string, ports []int) (func(), error) {
	sd := servingDir(dir)
	if err := os.MkdirAll(sd, 0o700); err != nil {
		return func() {}, err
	}
	var words []string
	for _, p := range ports {
		words = append(words, strconv.Itoa(p))
	}
	path := filepath.Join(sd, strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(path, []byte(strings.Join(words, " ")+"\n"), 0o600); err != nil {
		return func() {}, err
	}
	return func() { _ = os.Remove(path) }, nil
}

// ServingPorts are the ports tubes' lesson servers on this machine listen
// on now, from the runtime files in dir.
func ServingPorts(dir string) []int {
	entries, err := os.ReadDir(servingDir(dir))
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !e.Type().IsRegular() || !alive(pid) {
			continue
		}
		f, err := os.Open(filepath.Join(servingDir(dir), e.Name()))
		if err != nil {
			continue
		}
		buf := make([]byte, 256) // a few port numbers
		n, _ := f.Read(buf)
		_ = f.Close()
		for _, w := range strings.Fields(string(buf[:n])) {
			if p, err := strconv.Atoi(w); err == nil && p > 0 && p < 65536 {
				out = append(out, p)
			}
		}
	}
	return out
}

// alive reports whether process pid runs (on Windows, trust the file).
func alive(pid int) bool {
	if runtime.GOOS == "windows" {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}
