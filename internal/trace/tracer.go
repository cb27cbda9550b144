package trace

import (
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/socketeer/socketeer/debug"
)

// timeLayout is how the tracer writes the "time" field: RFC 3339 with
// microseconds, whatever zerolog's global TimeFieldFormat says.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Tracer writes one line per packet, handler call, connection and engine
// event. It is safe for concurrent use and immutable once made.
//
// A nil *Tracer is valid and traces nothing: every method returns at once,
// without allocating, so callers keep a possibly nil *Tracer and call it
// unconditionally.
type Tracer struct {
	log     zerolog.Logger
	json    bool
	maxArgs int
	logAuth bool
	slow    time.Duration
	now     func() time.Time
}

// New returns a Tracer configured by o; see debug.Options for the defaults.
func New(o debug.Options) *Tracer {
	o = withDefaults(o)
	out := o.Output
	if _, ok := out.(*os.File); !ok {
		out = zerolog.SyncWriter(out) // files are already safe for concurrent writes
	}
	if !o.JSON {
		out = consoleWriter(out, useColor(o))
	}
	return &Tracer{
		log:     zerolog.New(out),
		json:    o.JSON,
		maxArgs: o.MaxArgBytes,
		logAuth: o.LogAuth,
		slow:    o.SlowHandler,
		now:     time.Now,
	}
}

// Enabled reports whether t traces anything, which is whether t is not nil.
// Callers need it only to skip work done solely for the tracer.
func (t *Tracer) Enabled() bool { return t != nil }

// event starts a line at level with its timestamp. It logs without a
// zerolog level so that the application's zerolog.SetGlobalLevel cannot
// silence a tracer that was switched on on purpose; the level is written as
// an ordinary field instead.
func (t *Tracer) event(level zerolog.Level) *zerolog.Event {
	var ts [64]byte // on the stack: a timestamp costs no allocation
	return t.log.Log().
		Str(zerolog.LevelFieldName, zerolog.LevelFieldMarshalFunc(level)).
		Bytes(zerolog.TimestampFieldName, t.now().AppendFormat(ts[:0], timeLayout))
}

// optStr adds the string field key to e unless val is empty.
func optStr(e *zerolog.Event, key, val string) {
	if val != "" {
		e.Str(key, val)
	}
}

// optInt adds the integer field key to e unless n is zero.
func optInt(e *zerolog.Event, key string, n int) {
	if n != 0 {
		e.Int(key, n)
	}
}

// optErr adds err's text as the "error" field unless err is nil.
func optErr(e *zerolog.Event, err error) {
	if err != nil {
		e.Str("error", err.Error())
	}
}

// Defaults applied by New to zero Options fields.
const (
	defaultMaxArgBytes = 256
	defaultSlowHandler = 5 * time.Second
)

// withDefaults returns o with its zero fields set to their defaults.
func withDefaults(o debug.Options) debug.Options {
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

// useColor reports whether console output to o.Output should be colored.
func useColor(o debug.Options) bool {
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
