package app_test

import (
	"io"

	"github.com/socketeer/socketeer/debug"
)

// discardTrace is a tracer configuration that writes nowhere.
func discardTrace() debug.Options { return debug.Options{Output: io.Discard} }
