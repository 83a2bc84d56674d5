//go:build race

package behaviors

// The race detector multiplies memory use; the memory bound is for the
// normal build.
const raceEnabled = true
