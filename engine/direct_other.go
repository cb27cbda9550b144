//go:build !unix

package engine

// writeNonblocking is not available here: the writer goroutine writes.
func writeNonblocking(uintptr, []byte) (int, error) { return 0, nil }
