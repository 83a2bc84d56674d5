//go:build e2e

package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// content-length step 4, the seed article's own response: 안녕, 세상! with
// Content-Length: 13 and no charset. What the step says curl and Chromium
// show is what they show.
func TestContentLengthArticleMistakes(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "content-length", "--step", "4")
	url := "http://localhost:" + strconv.Itoa(a.port) + "/"

	// curl -s URL | od -An -tx1: 13 bytes, the last two the first two of 상's three.
	r := curl(t, 15*time.Second, url)
	want := []byte("안녕, 세상!")[:13]
	if r.code != 0 || !bytes.Equal(r.stdout, want) || !bytes.HasSuffix(r.stdout, []byte{0xec, 0x83}) {
		t.Fatalf("curl exit %d, body % x; want exit 0 and % x\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	a.waitLine("the whole body sent", func(l string) bool {
		return strings.Contains(l, " sent ") && strings.Contains(l, `Content-Type: text/plain\r\nContent-Length: 13\r\n`) && strings.HasSuffix(l, `안녕, 세상!"`)
	})

	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	// No charset: headless Chromium guesses windows-1252, byte by byte.
	page := chromiumDump(t, chromium, url)
	if !bytes.Contains(page.stdout, []byte(">ì•ˆë…•, ì„¸ìƒ</pre>")) {
		t.Errorf("Chromium without a charset shows\n%s\nwant ì•ˆë…•, ì„¸ìƒ", page.stdout)
	}

	// The charset fixed and the length still 13: 세 and then one U+FFFD for
	// the cut 상. The step names this too; the course has no such step, so
	// the behavior runs here.
	cfg := netcore.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	srv, err := netcore.Listen(cfg, behaviors.HTTPText{Body: "안녕, 세상!", Length: 13, Idle: 10 * time.Second}, netcore.NewInbox(64))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	page = chromiumDump(t, chromium, "http://127.0.0.1:"+strconv.Itoa(srv.Port())+"/")
	if !bytes.Contains(page.stdout, []byte(">안녕, 세\uFFFD</pre>")) {
		t.Errorf("Chromium with charset=utf-8 shows\n%s\nwant 안녕, 세\uFFFD", page.stdout)
	}
}
