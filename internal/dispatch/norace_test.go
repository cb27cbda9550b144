//go:build !race

package dispatch_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
