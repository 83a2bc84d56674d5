package starter_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/lessons/starter"
	"github.com/tubes-course/tubes/lessons/usage"
)

func TestInitWritesTheStarterAndTheNextCommands(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := starter.Init(&out, starter.Flags{Lesson: "files", Code: "python", Dir: dir}, lessons.UIStrings("en"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"server.py", "public/index.html", "public/tubes.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("init wrote no %s: %v", name, err)
		}
	}
	for _, want := range []string{"python3 server.py", `tubes check --lesson files --run "python3 server.py"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("init's output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestInitNeverOverwritesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "server.mjs")
	if err := os.WriteFile(mine, []byte("my work"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	f := starter.Flags{Lesson: "http-response", Code: "node", Dir: dir}
	err := starter.Init(&out, f, lessons.UIStrings("en"))
	if !errors.Is(err, starter.ErrExists) || usage.Is(err) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("want a one-line exists error (exit 1), got %v", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "my work" {
		t.Fatalf("the learner's file was overwritten: %q", b)
	}
	f.Force = true
	if err := starter.Init(&out, f, lessons.UIStrings("en")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(mine); !strings.Contains(string(b), "TODO") {
		t.Fatalf("--force did not write the starter: %q", b)
	}
}

func TestInitBadUsage(t *testing.T) {
	for _, f := range []starter.Flags{{Lesson: "http-response", Code: "rust"}, {Lesson: "no-such\x1b[2J", Code: "go"}, {Code: "go"}} {
		err := starter.Init(&bytes.Buffer{}, starter.Flags{Lesson: f.Lesson, Code: f.Code, Dir: t.TempDir()}, lessons.UIStrings("en"))
		if !usage.Is(err) {
			t.Errorf("%+v: want bad usage (exit 2), got %v", f, err)
		}
		if err != nil && strings.Contains(err.Error(), "\x1b") {
			t.Errorf("%+v: the error carries a raw escape: %q", f, err)
		}
	}
}

// The starter as written runs, and fails its check for a reason, not
// because nothing listens.
func TestWrittenStarterRunsAndFailsItsCheck(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	if err := starter.Init(&bytes.Buffer{}, starter.Flags{Lesson: "http-response", Code: "python", Dir: dir}, lessons.UIStrings("en")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	proc, err := probe.StartServer(ctx, "python3 server.py", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stop()
	set, _ := lessons.Probes("http-response")
	rep, err := probe.Run(ctx, "http-response", set, probe.Options{Target: proc.Target(), Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NotRun || rep.Failed() == 0 {
		t.Fatalf("the untouched starter should fail a probe; summary: %s", rep.Summary())
	}
	for _, r := range rep.Results {
		if r.Verdict() == probe.VerdictFail && strings.TrimSpace(r.Reason) == "" {
			t.Errorf("%s fails with no reason", r.Name)
		}
	}
}

// Every starter that reads logs what it read, and those bytes came from the
// network: they must reach the learner's terminal (and the check's "last
// lines your server printed") as printable ASCII, a byte like 0x16 written
// \x16 as the starters' comments promise, never as raw Latin-1 or \u0016.
// The bytes sent are a TLS record's first ones, as a ClientHello starts.
func TestStartersLogReadBytesEscaped(t *testing.T) {
	sent := []byte("\x16\x03\x01\xe9\x1b[2J")
	neverRead := map[string]bool{"tcp-accept": true, "client": true} // they only accept, or wait for the end
	for _, lang := range []struct{ code, tool, run string }{{"node", "node", "node server.mjs"}, {"python", "python3", "python3 server.py"}} {
		if _, err := exec.LookPath(lang.tool); err != nil {
			t.Logf("%s is not installed: skipping its starters", lang.tool)
			continue
		}
		for _, id := range lessons.IDs() {
			if neverRead[id] {
				continue
			}
			t.Run(id+"/"+lang.code, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				if err := starter.Init(&bytes.Buffer{}, starter.Flags{Lesson: id, Code: lang.code, Dir: dir}, lessons.UIStrings("en")); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				proc, err := probe.StartServer(ctx, lang.run, dir)
				if proc != nil {
					defer proc.Stop()
				}
				if err != nil {
					t.Fatal(err)
				}
				c, err := net.DialTimeout("tcp", proc.Target(), 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Write(sent); err != nil {
					t.Fatal(err)
				}
				line := ""
				for deadline := time.Now().Add(10 * time.Second); line == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					for _, l := range proc.Stdout() {
						if strings.Contains(l, "read 8 bytes") {
							line = l
						}
					}
				}
				if line == "" {
					t.Fatalf("no line says the 8 bytes were read; it printed %q", proc.Stdout())
				}
				for _, r := range line {
					if r < 0x20 || r > 0x7e {
						t.Fatalf("the read is logged with %q, not printable ASCII: %q", r, line)
					}
				}
				if !strings.Contains(line, `\x16\x03\x01`) {
					t.Errorf(`the read is logged without \x16\x03\x01: %q`, line)
				}
			})
		}
	}
}

// The files lesson's starters say which folder to serve: it must be the one
// init writes, next to the program (init writes nothing outside dir).
func TestFilesStartersNameTheFolderInitWrites(t *testing.T) {
	named := regexp.MustCompile(`in the folder (\S+)`)
	for _, c := range starter.Codes {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			if err := starter.Init(&bytes.Buffer{}, starter.Flags{Lesson: "files", Code: c.Name, Dir: dir}, lessons.UIStrings("en")); err != nil {
				t.Fatal(err)
			}
			prog, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			m := named.FindSubmatch(prog)
			if m == nil {
				t.Fatalf("%s names no folder (no %q)", c.File, named)
			}
			folder := filepath.Join(dir, filepath.FromSlash(string(m[1])))
			for _, name := range []string{"index.html", "style.css", "notes.txt", "tubes.png"} {
				if _, err := os.Stat(filepath.Join(folder, name)); err != nil {
					t.Errorf("%s says the files are in %s, but init put no %s there: %v", c.File, m[1], name, err)
				}
			}
		})
	}
}
