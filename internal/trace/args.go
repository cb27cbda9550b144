package trace

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

// ellipsis ends arguments cut at MaxArgBytes.
const ellipsis = "…"

// raw adds the JSON payload b as the field key, cut to t.maxArgs bytes. In
// JSON mode a payload still valid after cutting is embedded as JSON, and
// anything else, cut or invalid, as a string. The console format always
// gets a string, printed there as it is.
func (t *Tracer) raw(e *zerolog.Event, key string, b []byte) {
	c, cut := clip(b, t.maxArgs)
	switch {
	case cut:
		e.Str(key, string(c)+ellipsis)
	case !t.json || !json.Valid(c):
		e.Bytes(key, c)
	case bytes.ContainsAny(c, "\r\n"):
		var buf bytes.Buffer
		_ = json.Compact(&buf, c) // c is valid, so Compact succeeds
		e.RawJSON(key, buf.Bytes())
	default:
		e.RawJSON(key, c)
	}
}

// clip returns b cut to at most max bytes without splitting a UTF-8
// sequence, and whether it cut anything. A negative max means no limit.
func clip(b []byte, max int) ([]byte, bool) {
	if max < 0 || len(b) <= max {
		return b, false
	}
	n := max
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n], true
}
