package probe

import (
	"regexp"
	"testing"
)

// Korean particles sit on the word before them ("Content-Length가", not
// "Content-Length 가"), and none hangs on a value the check fills in:
// its last sound is not known when the sentence is written, so a particle
// after a fill-in comes in both forms (이(가), 을(를), 은(는), (으)로) or
// the sentence puts a noun after the value.
func TestKoreanParticlesAttach(t *testing.T) {
	spaced := regexp.MustCompile(`[A-Za-z0-9)\]>%\\/"'] (가|를|을|는|은|로|으로|에|에서|의|와|과|처럼|이라고|라고|이에요|예요)([ .,:;)]|$)`)
	hanging := regexp.MustCompile(`%(\[\d+\])?[sdvq]"?(이|가|을|를|은|는|과|와|으로|로|라고|이라고|라는|이라는|예요|이에요|였|이었|이고|라서|이라서|여야|이어야|야|이야)([^(]|$)`)
	for k, v := range checkKeys(t, "ko") {
		if m := spaced.FindString(v); m != "" {
			t.Errorf("ko %s: a space before a particle (%q) in %q", k, m, v)
		}
		if m := hanging.FindString(v); m != "" {
			t.Errorf("ko %s: a particle hangs on a fill-in (%q) in %q", k, m, v)
		}
	}
}
