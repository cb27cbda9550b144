//go:build !race

package debug_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
