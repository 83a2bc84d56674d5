package tui

import "testing"

// The chunked lesson's steps done with curl, for TestWalkTheWholeCourse.
func init() {
	outside["chunked/3"] = func(t *testing.T, a string) { send(t, a, curlGet, true) }
	outside["chunked/4"] = func(t *testing.T, a string) { send(t, a, curlGet, true) }
}
