//go:build unix

package probe

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// koCourse is testCourse with Korean words.
type koCourse struct{ testCourse }

func (c *koCourse) Lang() (string, error) { return "ko", nil }

// A Korean check of a server that never listens says the port as the
// port and the wait as the wait (they were once the other way round).
func TestKoreanNeverListensSaysPortAndWait(t *testing.T) {
	f := checkFlags("ping-pong")
	f.Run = "sleep 30"
	f.Wait = "300ms"
	var out bytes.Buffer
	err := Check(context.Background(), &out, f, &koCourse{})
	text := out.String()
	m := regexp.MustCompile(`서버 localhost:(\d+)`).FindStringSubmatch(text)
	if err == nil || m == nil {
		t.Fatalf("err %v; report:\n%s", err, text)
	}
	wait := roundDur(DefaultStartWait).String()
	if !strings.Contains(text, wait+" 안에") || !strings.Contains(text, m[1]+" 포트에서") {
		t.Errorf("want %s as the wait and %s as the port; report:\n%s", wait, m[1], text)
	}
}
