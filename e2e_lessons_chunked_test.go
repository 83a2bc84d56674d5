//go:build e2e

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chunked, step 1: curl -N prints the lines; --raw shows the hex sizes and
// the 0 chunk; a browser renders the joined body.
func TestChunkedStreamCurlAndChromium(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "chunked")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	lines := "one\ntwo\nthree\nfour\nfive, and that is all\n"
	r := curl(t, 15*time.Second, "-N", url)
	if r.code != 0 || string(r.stdout) != lines {
		t.Fatalf("curl -N exit %d, got %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if r.took < time.Second {
		t.Errorf("five chunks 300 ms apart came in %s", r.took)
	}
	raw := curl(t, 15*time.Second, "--raw", url)
	if !bytes.HasPrefix(raw.stdout, []byte("4\r\none\n\r\n")) || !bytes.HasSuffix(raw.stdout, []byte("16\r\nfive, and that is all\n\r\n0\r\n\r\n")) {
		t.Errorf("curl --raw got %q", raw.stdout)
	}
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	c := chromiumDump(t, chromium, url)
	if !bytes.Contains(c.stdout, []byte("five, and that is all")) {
		t.Errorf("chromium's DOM lacks the last chunk:\n%s\nstderr:\n%s", c.stdout, c.stderr)
	}
}

// chunked, step 2: curl sends a chunked body, and the server decodes it.
func TestChunkedRequestBodyCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "chunked", "--step", "2")
	r := curl(t, 15*time.Second, "-H", "Transfer-Encoding: chunked", "--data-binary", "Hello, chunked world!", "http://127.0.0.1:"+strconv.Itoa(a.port)+"/")
	if r.code != 0 || !bytes.Contains(r.stdout, []byte("You sent 21 bytes in 2 chunks")) || !bytes.Contains(r.stdout, []byte("Hello, chunked world!")) {
		t.Fatalf("curl exit %d, got %q\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	a.waitLine("the chunked body on the wire", func(l string) bool {
		return strings.Contains(l, " recv ") && strings.Contains(l, `\r\n15\r\nHello, chunked world!\r\n0\r\n\r\n"`)
	})
}

// chunked, size too small: curl stops with exit 56 after 5 bytes.
func TestChunkedSizeTooSmall(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "chunked", "--step", "3")
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
	r := curl(t, 15*time.Second, url)
	if r.code != 56 || string(r.stdout) != "Hello" || !bytes.Contains(r.stderr, []byte("chunked")) {
		t.Fatalf("curl exit %d, stdout %q, stderr %q; want exit 56 after Hello", r.code, r.stdout, r.stderr)
	}

}

// chunked, size too large: curl waits for the rest of the chunk until the
// server's 5 s idle timeout, then exits 18.
func TestChunkedSizeTooLargeCurl(t *testing.T) {
	t.Parallel()
	a := startServe(t, "--lesson", "chunked", "--step", "4")
	r := curl(t, 20*time.Second, "http://127.0.0.1:"+strconv.Itoa(a.port)+"/")
	if r.code != 18 || !bytes.Contains(r.stderr, []byte("outstanding read data")) {
		t.Fatalf("curl exit %d, stderr %q; want exit 18", r.code, r.stderr)
	}
	if r.took < 4*time.Second {
		t.Errorf("curl gave up after %s; it should wait for the idle timeout (5s)", r.took)
	}
	a.waitLine("idle close", func(l string) bool { return strings.Contains(l, "closed by server (idle 5s)") })
}

// tubes check passes against the course's own servers of both lessons.
func TestCheckClosingAndChunkedAgainstServe(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"closing", "chunked"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			a := startServe(t, "--lesson", id)
			r := checkRun(t, "--lesson", id, "--target", "127.0.0.1:"+strconv.Itoa(a.port))
			if out := string(r.stdout); r.code != 0 || !strings.Contains(out, "PASS  ") || strings.Contains(out, "FAIL") {
				t.Fatalf("tubes check exited %d\nstdout:\n%s\nstderr:\n%s", r.code, out, r.stderr)
			}
		})
	}
}

// chunked, both wrong sizes in Chromium, as the lesson tells them: the
// headers said 200, so the page is already open when the body breaks.
// Chromium shows no error page and none of the body, only an empty page;
// the net error is in its console (and DevTools' Network tab). Too large,
// it first waits for the server's 5 s idle timeout.
func TestChunkedWrongSizeChromium(t *testing.T) {
	t.Parallel()
	chromium := need(t, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	for _, c := range []struct {
		step, err        string
		minTook, maxTook time.Duration
	}{
		{"3", "net::ERR_INVALID_CHUNKED_ENCODING", 0, 4 * time.Second},
		{"4", "net::ERR_INCOMPLETE_CHUNKED_ENCODING", 4 * time.Second, 15 * time.Second},
	} {
		t.Run("step"+c.step, func(t *testing.T) {
			a := startServe(t, "--lesson", "chunked", "--step", c.step)
			b := startBrowser(t, chromium, 45*time.Second)
			got := b.load("http://127.0.0.1:" + strconv.Itoa(a.port) + "/")
			if got.status != 200 || got.errorText != c.err {
				t.Fatalf("status %d, net error %q; want 200 and %s\n%s", got.status, got.errorText, c.err, b.dump())
			}
			if got.took < c.minTook || got.took > c.maxTook {
				t.Errorf("the load failed after %s, want between %s and %s", got.took, c.minTook, c.maxTook)
			}
			want := "Failed to load resource: " + c.err
			b.waitConsole(want)
			// The lesson quotes that console line, in both languages.
			for _, lang := range []string{"en", "ko"} {
				text, err := os.ReadFile(filepath.Join("assets", "lessons", lang, "chunked.md"))
				if err != nil || !bytes.Contains(text, []byte("`"+want+"`")) {
					t.Errorf("%s/chunked.md does not quote `%s` (%v)", lang, want, err)
				}
			}
			if text := b.eval("document.documentElement ? document.documentElement.innerText : ''"); text != "" {
				t.Errorf("the page shows %q, want an empty page", text)
			}
		})
	}
}
