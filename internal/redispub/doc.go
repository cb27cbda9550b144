// Package redispub publishes the messages of a Redis adapter from a
// bounded queue, in pipelines of what has accumulated, on one goroutine:
// Redis being slow or down never blocks the handler that broadcasts, and
// messages are published in the order they were queued.
//
// A publish that fails is reported and dropped: Redis pub/sub delivers at
// most once anyway. Close publishes what is still queued, for up to a
// second, then stops the goroutine.
package redispub
