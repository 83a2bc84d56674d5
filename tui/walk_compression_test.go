package tui

import "testing"

// compression/4 is done from a browser, whose request offers the codings
// Chromium does.
func init() {
	browserGzip := browserGet[:len(browserGet)-2] + "Accept-Encoding: gzip, deflate, br, zstd\r\n\r\n"
	outside["compression/4"] = func(t *testing.T, a string) { send(t, a, browserGzip, true) }
}
