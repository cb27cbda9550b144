package debug

import (
	"io"
	"time"
)

// Options configures the tracer that app.Options.Debug switches on. The
// zero value traces to os.Stderr in the console format with the defaults
// below.
type Options struct {
	// Output receives the trace; nil means os.Stderr. Writes are serialized,
	// so any io.Writer will do.
	Output io.Writer

	// JSON writes one JSON object per line instead of the console format.
	JSON bool

	// MaxArgBytes is the number of bytes of a packet's arguments (and of a
	// logged auth payload) that are printed; longer ones are cut at a UTF-8
	// boundary and end with "…". Zero means 256; negative means no limit.
	MaxArgBytes int

	// LogAuth prints the auth payload of CONNECT packets. It is off by
	// default because auth often holds tokens: the payload then prints as
	// "[redacted]".
	LogAuth bool

	// NoColor turns colors off in the console format. Colors are only ever
	// used when Output is a terminal and the NO_COLOR environment variable
	// is empty.
	NoColor bool

	// SlowHandler is how long a handler may run before the tracer
	// reports it as blocked. Zero means 5s; negative turns the
	// report off.
	SlowHandler time.Duration
}
