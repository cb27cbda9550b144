//go:build race

package client_test

// raceEnabled reports that the race detector is on, which slows
// connection-heavy tests down several times.
const raceEnabled = true
