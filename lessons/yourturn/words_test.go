package yourturn

import (
	"strings"
	"testing"

	"github.com/tubes-course/tubes/lessons/probe"
)

// Why a started server is not there names its port and how it ended in
// each language, each value where the sentence puts it (the Korean
// sentence once had the port and the wait swapped).
func TestStartWordsPutEachValueInItsPlace(t *testing.T) {
	for _, c := range []struct {
		lang      string
		err       error
		exit      string
		want, not []string
	}{
		{"en", probe.ErrNotListening, "", []string{"port 4242 within 10s"}, nil},
		{"ko", probe.ErrNotListening, "", []string{"10s 안에 4242 포트에서"}, []string{"10s 포트", "4242 안에"}},
		{"en", probe.ErrExited, "exit status 3", []string{"(exit status 3)", "port 4242"}, nil},
		{"ko", probe.ErrExited, "exit status 3", []string{"4242 포트에서", "(exit status 3)"}, nil},
	} {
		got := startWords(c.lang, c.err, c.exit, 4242)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %v: %q lacks %q", c.lang, c.err, got, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s %v: %q holds %q", c.lang, c.err, got, w)
			}
		}
		if strings.Contains(got, "%!") {
			t.Errorf("%s %v: a format error in %q", c.lang, c.err, got)
		}
	}
}
