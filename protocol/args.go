package protocol

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/socketeer/socketeer/errors"

	"github.com/socketeer/socketeer/internal/jsontext"
)

// maxArgDepth bounds the walk of nested []any and map[string]any values,
// which also stops cyclic ones.
const maxArgDepth = 1000

var errArgsTooDeep = errors.New("socketeer: event args nested too deeply (cyclic value?)")

// AppendEvent appends the EVENT payload ["name", args...] as JSON to dst.
//
// Every []byte found as an arg, or nested inside []any, map[string]any or
// [][]byte values, is replaced by {"_placeholder":true,"num":i}, numbered
// depth first, and returned in order as the attachments (they alias the
// args). Send the payload as an Event when there are no attachments and as
// a BinaryEvent otherwise. A nil []byte encodes as null, as encoding/json
// does. json.RawMessage args are copied verbatim; other values go through
// encoding/json (without HTML escaping), so a []byte inside a struct is
// base64 text, not an attachment. Map keys are sorted.
//
// The error is that of encoding/json for a value it cannot encode (a
// channel, a NaN), or one for []any and map[string]any values nested more
// than 1000 deep (cyclic). On error dst is returned truncated to its
// original length.
func AppendEvent(dst []byte, name string, args []any) ([]byte, [][]byte, error) {
	n := len(dst)
	dst = appendString(append(dst, '['), name)
	var w argWriter
	return w.finish(dst, n, args, true)
}

// AppendArgs is AppendEvent for an ACK payload: it appends the JSON array
// of args to dst. Send it as an Ack or, with attachments, a BinaryAck.
func AppendArgs(dst []byte, args []any) ([]byte, [][]byte, error) {
	n := len(dst)
	var w argWriter
	return w.finish(append(dst, '['), n, args, false)
}

// argWriter encodes args and collects their attachments.
type argWriter struct {
	atts [][]byte
}

// finish appends the args and the closing bracket; n is the length of dst
// before the payload was started.
func (w *argWriter) finish(dst []byte, n int, args []any, comma bool) ([]byte, [][]byte, error) {
	var err error
	for _, a := range args {
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		if dst, err = w.value(dst, a, 0); err != nil {
			return dst[:n], nil, err
		}
	}
	return append(dst, ']'), w.atts, nil
}

// value appends one value. Scalars are written directly; only the
// container types that may hold a []byte are walked.
func (w *argWriter) value(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(dst, v, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case float64:
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return jsontext.AppendFloat(dst, v), nil
		}
	case json.RawMessage:
		if len(v) == 0 {
			return append(dst, "null"...), nil
		}
		return append(dst, v...), nil
	case []byte:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return w.placeholder(dst, v), nil
	case [][]byte:
		return w.blobs(dst, v), nil
	case []any:
		return w.array(dst, v, depth)
	case map[string]any:
		return w.object(dst, v, depth)
	}
	return appendJSON(dst, v)
}

// placeholder appends the placeholder of b and records b as an attachment.
func (w *argWriter) placeholder(dst []byte, b []byte) []byte {
	dst = append(dst, `{"_placeholder":true,"num":`...)
	dst = strconv.AppendInt(dst, int64(len(w.atts)), 10)
	w.atts = append(w.atts, b)
	return append(dst, '}')
}

// blobs appends a [][]byte as an array of placeholders.
func (w *argWriter) blobs(dst []byte, v [][]byte) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, b := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		if b == nil {
			dst = append(dst, "null"...)
		} else {
			dst = w.placeholder(dst, b)
		}
	}
	return append(dst, ']')
}

// array appends a []any.
func (w *argWriter) array(dst []byte, v []any, depth int) ([]byte, error) {
	if v == nil {
		return append(dst, "null"...), nil
	}
	if depth >= maxArgDepth {
		return dst, errArgsTooDeep
	}
	dst = append(dst, '[')
	var err error
	for i, e := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = w.value(dst, e, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// object appends a map[string]any with its keys sorted.
func (w *argWriter) object(dst []byte, m map[string]any, depth int) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	if depth >= maxArgDepth {
		return dst, errArgsTooDeep
	}
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendString(dst, k), ':')
		if dst, err = w.value(dst, m[k], depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendJSON appends the encoding/json form of v.
func appendJSON(dst []byte, v any) ([]byte, error) {
	err := jsontext.Encode(v, func(text []byte) error {
		dst = append(dst, text...)
		return nil
	})
	return dst, err
}
