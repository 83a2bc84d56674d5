//go:build e2e

package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

// curl through `tubes tap` in front of `tubes serve`: the answer is the
// server's, and the tap's transcript holds both directions.
func TestTapCurl(t *testing.T) {
	t.Parallel()
	server := startServe(t, "--lesson", "routing")
	tap := startCmd(t, "tap", "--plain", "--target", "127.0.0.1:"+strconv.Itoa(server.port))
	r := curl(t, 15*time.Second, "-d", "ping", "http://localhost:"+strconv.Itoa(tap.port)+"/echo")
	if r.code != 0 || string(r.stdout) != "ping" {
		t.Fatalf("curl through the tap: exit %d, body %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	tap.waitLine("the request, seen by the tap", func(l string) bool {
		return strings.Contains(l, "tap #1 recv") && strings.Contains(l, `"POST /echo HTTP/1.1\r\n`)
	})
	tap.waitLine("the answer, seen by the tap", func(l string) bool {
		return strings.Contains(l, "tap #1 sent") && strings.HasSuffix(l, `\r\n\r\nping"`)
	})
}

// Chromium through the tap gets the page, and the tap keeps running when
// the server behind it is gone.
func TestTapChromiumAndTargetDown(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	server := startServe(t, "--lesson", "http-response")
	tap := startCmd(t, "tap", "--plain", "--target", "127.0.0.1:"+strconv.Itoa(server.port))
	url := "http://localhost:" + strconv.Itoa(tap.port) + "/"
	r := chromiumDump(t, chromium, url)
	if !bytes.Contains(r.stdout, []byte("Hello, world!")) {
		t.Fatalf("chromium through the tap: %s\n%s", r.stdout, r.stderr)
	}
	tap.waitLine("a browser's request", func(l string) bool {
		return strings.Contains(l, "tap #") && strings.Contains(l, "User-Agent: Mozilla/")
	})
	server.Stop()
	if r := curl(t, 15*time.Second, url); r.code != 52 {
		t.Errorf("with the server gone, curl should get an empty reply (52), got %d", r.code)
	}
	tap.waitLine("a clear event for the down server", func(l string) bool {
		return strings.Contains(l, "refused") && strings.Contains(l, "did not answer")
	})
}
