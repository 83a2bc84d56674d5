//go:build unix

package tui

import (
	"strings"
	"syscall"
	"testing"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// An action whose connection is refused says so in the course's words,
// not in Go's ("dial tcp …: connect: connection refused").
func TestActionDialFailureInTheCoursesWords(t *testing.T) {
	// A socket bound to the port that never listens: a connect there is
	// refused, and no other test can take the port meanwhile.
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	dead := lessons.Address{Host: "127.0.0.1", Port: sa.(*syscall.SockaddrInet4).Port}

	for _, lang := range []string{"en", "ko"} {
		r := newRigLang(t, lang, "tcp-accept")
		r.size(120, 40)
		r.m.d.Addr = dead
		cmd := r.press(keyEnter)
		if cmd == nil {
			t.Fatal("enter started no action")
		}
		r.m.Update(cmd())
		ui := lessons.UIStrings(lang)
		want := (netcore.Phrase{Key: "srv.dial.refused", Args: []any{dead.HostPort()}}).Say(ui)
		if !strings.Contains(r.m.status, ui["action.failed"]+": "+want) || strings.Contains(r.m.status, "dial tcp") {
			t.Errorf("%s: status %q, want %q after %q", lang, r.m.status, want, ui["action.failed"])
		}
	}
}
