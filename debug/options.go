package debug

import (
	"io"
	"os"
	"time"
)

// Defaults applied by [New] to zero Options fields.
const (
	defaultMaxArgBytes = 256
	defaultSlowHandler = 5 * time.Second
)

// Options configures a [Tracer]. The zero value traces to os.Stderr in the
// console format with the defaults below.
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

	// SlowHandler is how long a handler may run before [Tracer.Watch]
	// reports it as blocked. Zero means 5s; negative turns Watch off.
	SlowHandler time.Duration
}

// withDefaults returns o with its zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.Output == nil {
		o.Output = os.Stderr
	}
	if o.MaxArgBytes == 0 {
		o.MaxArgBytes = defaultMaxArgBytes
	}
	if o.SlowHandler == 0 {
		o.SlowHandler = defaultSlowHandler
	}
	return o
}

// useColor reports whether console output to w should be colored.
func (o Options) useColor() bool {
	if o.NoColor || o.JSON || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := o.Output.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
