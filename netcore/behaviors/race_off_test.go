//go:build !race

package behaviors

const raceEnabled = false
