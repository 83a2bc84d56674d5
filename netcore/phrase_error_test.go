package netcore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A PhraseError is said in the learner's words wherever it is an argument
// or wrapped, and errors.Is and errors.As still see what it stands for.
func TestPhraseErrorIsSaidAndUnwraps(t *testing.T) {
	dir := t.TempDir()
	_, err := OpenRegular(dir)
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("OpenRegular(dir) = %v, want ErrNotRegular", err)
	}
	var pe *PhraseError
	if !errors.As(err, &pe) || pe.Reason.Key != "srv.file.dir" {
		t.Fatalf("OpenRegular(dir) = %#v, want a PhraseError srv.file.dir", err)
	}
	if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "srv.file.dir ") {
		t.Errorf("Error() = %q, want one line: the key and its values", err.Error())
	}
	ko, en := courseWords("ko"), courseWords("en")
	wrapped := fmt.Errorf("outer: %w", err)
	if got := SayError(wrapped, ko); !strings.Contains(got, "폴더예요") || strings.Contains(got, "directory") {
		t.Errorf("SayError in ko = %q", got)
	}
	if got := SayError(err, en); got != Escape([]byte(dir))+" is a directory: not a regular file" {
		t.Errorf("SayError in en = %q", got)
	}
	// As an argument of another phrase, it is said in the same words, and
	// its keys are among the phrase's.
	p := Phrase{"srv.recording", []any{err}}
	if got := p.Say(ko); !strings.Contains(got, "폴더예요") {
		t.Errorf("Say = %q, want the error in Korean words", got)
	}
	if keys := strings.Join(p.Keys(), " "); keys != "srv.recording srv.file.dir" {
		t.Errorf("Keys = %s", keys)
	}
	// A plain error as an argument is its own text.
	if got := (Phrase{"srv.recording", []any{errors.New("plain")}}).Say(en); !strings.HasSuffix(got, ": plain") {
		t.Errorf("Say = %q", got)
	}
}

// The common system errors have words of their own; any other keeps the
// system's text without the path, which the words around it name.
func TestReasonPhrase(t *testing.T) {
	_, missing := os.Open(filepath.Join(t.TempDir(), "nowhere"))
	for _, tc := range []struct {
		err  error
		key  string
		args int
	}{
		{missing, "srv.os.noent", 0},
		{&fs.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}, "srv.os.denied", 0},
		{&fs.PathError{Op: "open", Path: "/x", Err: syscall.EISDIR}, "srv.os.isdir", 0},
		{&fs.PathError{Op: "open", Path: "/x", Err: syscall.ENOTDIR}, "srv.os.notdir", 0},
		{&fs.PathError{Op: "write", Path: "/x", Err: errors.New("odd")}, "srv.os.other", 1},
		{&AddrError{"a b:1", Phrase{Key: "srv.addr.space"}}, "srv.addr.bad", 2},
	} {
		p := ReasonPhrase(tc.err)
		if p.Key != tc.key || len(p.Args) != tc.args {
			t.Errorf("ReasonPhrase(%v) = %v, want %s with %d values", tc.err, p, tc.key, tc.args)
		}
		if said := p.Say(courseWords("ko")); strings.Contains(said, "/x") || strings.Contains(said, tc.key) {
			t.Errorf("ReasonPhrase(%v) says %q", tc.err, said)
		}
	}
}
