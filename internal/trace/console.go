package trace

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// ANSI colors of the console format.
const (
	colorGreen    = 32
	colorMagenta  = 35
	colorDarkGray = 90
)

// consoleFields is the order of the fields after the message.
var consoleFields = []string{
	"sid", "event", "ack", "handler", "dur", "args", "attachments", "recipients",
	"auth", "remote", "reason", "panic", "eio", "error",
}

// consoleWriter returns the writer of the console format, which turns each
// JSON line into one like
//
//	12:04:05.123 DBG ← EVENT /chat sid=Xq3 event=send_message ack=4 args=["hi"]
//
// The stack of a panic follows its line, unquoted.
func consoleWriter(out io.Writer, color bool) zerolog.ConsoleWriter {
	return zerolog.ConsoleWriter{
		Out:             out,
		NoColor:         !color,
		PartsOrder:      []string{zerolog.TimestampFieldName, zerolog.LevelFieldName, zerolog.MessageFieldName},
		FieldsOrder:     consoleFields,
		FieldsExclude:   []string{"stack"},
		FormatTimestamp: consoleTime(color),
		FormatPrepare:   func(evt map[string]any) error { prepare(evt, color); return nil },
		FormatExtra:     writeStack,
	}
}

// prepare rewrites a decoded line for the console: the direction arrow,
// packet type and namespace join the message, durations become readable,
// and JSON payloads print as they are.
func prepare(evt map[string]any, color bool) {
	msg, _ := evt[zerolog.MessageFieldName].(string)
	if dir, ok := evt["dir"].(string); ok {
		msg = arrow(dir, color) + " " + str(evt["type"])
		delete(evt, "dir")
		delete(evt, "type")
	}
	if what, ok := evt["what"].(string); ok && msg == "engine" {
		msg += " " + what
		delete(evt, "what")
	}
	if nsp, ok := evt["nsp"].(string); ok {
		msg += " " + nsp
		delete(evt, "nsp")
	}
	evt[zerolog.MessageFieldName] = msg
	if us, ok := evt["dur_us"].(json.Number); ok {
		if n, err := us.Int64(); err == nil {
			evt["dur"] = (time.Duration(n) * time.Microsecond).String()
			delete(evt, "dur_us")
		}
	}
	for _, key := range []string{"args", "auth"} {
		if s, ok := evt[key].(string); ok {
			evt[key] = json.Number(s) // a json.Number is printed unquoted
		}
	}
}

// arrow returns the console arrow of a direction: "←" in, "→" out.
func arrow(dir string, color bool) string {
	switch dir {
	case "in":
		return paint("←", colorGreen, color)
	case "out":
		return paint("→", colorMagenta, color)
	}
	return dir
}

// consoleTime formats the tracer's timestamp as a time of day with
// milliseconds.
func consoleTime(color bool) zerolog.Formatter {
	return func(i any) string {
		s := str(i)
		if ts, err := time.Parse(timeLayout, s); err == nil {
			s = ts.Format("15:04:05.000")
		}
		return paint(s, colorDarkGray, color)
	}
}

// writeStack writes a panic's stack on the lines after the panic's line.
func writeStack(evt map[string]any, buf *bytes.Buffer) error {
	if s := strings.TrimRight(str(evt["stack"]), "\n"); s != "" {
		buf.WriteByte('\n')
		buf.WriteString(s)
	}
	return nil
}

// str returns v if it is a string, or "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// paint wraps s in the ANSI color code if color is true.
func paint(s string, code int, color bool) string {
	if !color {
		return s
	}
	return "\x1b[" + strconv.Itoa(code) + "m" + s + "\x1b[0m"
}
