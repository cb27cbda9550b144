//go:build !race

package trace_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
