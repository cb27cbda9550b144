package msgpack

import (
	"encoding/base64"
	"strconv"
)

// DefaultMaxDepth is the deepest nesting of arrays and maps the decoding
// functions accept when no limit is given: the depth to which the JSON
// side's encoder walks values.
const DefaultMaxDepth = 1000

// AppendJSON appends the JSON text of the one MessagePack value in src to
// dst, as JSON.stringify would write what notepack decodes, and returns
// the extended buffer with the binary values found, in order:
//
//   - each bin, and each ArrayBuffer (ext 8/16/32 of type 0), becomes the
//     placeholder {"_placeholder":true,"num":i} and is returned as
//     attachment i (a copy), exactly the shape of a binary packet of the
//     JSON parser, so that protocol.InlineAttachments, Reconstruct and the
//     router's typed argument decoding apply unchanged;
//   - undefined (fixext 1 of type 0) is dropped from maps and is null in
//     arrays (and at the top level), as JSON.stringify does;
//   - a Date (fixext 8 of type 0) or a timestamp (ext type -1) is its ISO
//     string, "2024-05-01T12:00:00.000Z";
//   - other extensions are [type, <binary>], as notepack decodes them;
//   - integers are written exactly, floats as encoding/json writes them
//     (NaN and infinities as null); invalid UTF-8 in strings becomes
//     U+FFFD; map keys that are integers, booleans or nil become their
//     string form, and other key types are refused.
//
// Errors wrap ErrMalformed or ErrTooDeep (nesting deeper than
// DefaultMaxDepth); dst is then returned truncated to its original length.
func AppendJSON(dst []byte, src []byte) ([]byte, [][]byte, error) {
	n := len(dst)
	w := jsonWriter{r: reader{b: src}, out: dst, maxDepth: DefaultMaxDepth}
	if err := w.whole(); err != nil {
		return dst[:n], nil, err
	}
	return w.out, w.atts, nil
}

// jsonWriter transcodes MessagePack to JSON.
type jsonWriter struct {
	r        reader
	out      []byte
	atts     [][]byte
	maxDepth int
	inline   bool // binary as base64 strings instead of placeholders
}

// whole transcodes the one value of the input, which must have no
// trailing bytes.
func (w *jsonWriter) whole() error {
	undef, err := w.value(0)
	if err != nil {
		return err
	}
	if undef {
		w.out = append(w.out, "null"...)
	}
	if w.r.left() != 0 {
		return malformed("%d trailing bytes", w.r.left())
	}
	return nil
}

// value transcodes one value; for undefined it writes nothing and returns
// true.
func (w *jsonWriter) value(depth int) (undefined bool, err error) {
	t, err := w.r.next()
	if err != nil {
		return false, err
	}
	switch t.kind {
	case kNil:
		w.out = append(w.out, "null"...)
	case kBool:
		w.out = strconv.AppendBool(w.out, t.b)
	case kUint:
		w.out = strconv.AppendUint(w.out, t.u, 10)
	case kInt:
		w.out = strconv.AppendInt(w.out, t.i, 10)
	case kFloat:
		w.out = appendJSONFloat(w.out, t.f)
	case kStr:
		w.out = appendJSONString(w.out, t.data)
	case kBin:
		w.binary(t.data)
	case kExt:
		return w.ext(&t), nil
	case kArray:
		return false, w.array(t.n, depth)
	case kMap:
		return false, w.object(t.n, depth)
	}
	return false, nil
}

// binary writes b as a placeholder (recording a copy of b) or, inline, as
// a base64 string.
func (w *jsonWriter) binary(b []byte) {
	if w.inline {
		w.out = append(w.out, '"')
		w.out = base64.StdEncoding.AppendEncode(w.out, b)
		w.out = append(w.out, '"')
		return
	}
	w.out = append(w.out, `{"_placeholder":true,"num":`...)
	w.out = strconv.AppendInt(w.out, int64(len(w.atts)), 10)
	w.out = append(w.out, '}')
	w.atts = append(w.atts, append([]byte{}, b...)) // non-nil, even when empty
}

// ext writes an extension value and reports whether it is undefined.
func (w *jsonWriter) ext(t *token) bool {
	m, ms := meaning(t)
	switch m {
	case extUndefined:
		return true
	case extDate:
		w.out = appendJSONDate(w.out, ms)
	case extBinary:
		w.binary(t.data)
	default:
		w.out = append(strconv.AppendInt(append(w.out, '['), int64(t.ext), 10), ',')
		w.binary(t.data)
		w.out = append(w.out, ']')
	}
	return false
}

// array transcodes the n elements of an array.
func (w *jsonWriter) array(n, depth int) error {
	if depth >= w.maxDepth {
		return ErrTooDeep
	}
	w.out = append(w.out, '[')
	for i := range n {
		if i > 0 {
			w.out = append(w.out, ',')
		}
		undef, err := w.value(depth + 1)
		if err != nil {
			return err
		}
		if undef {
			w.out = append(w.out, "null"...)
		}
	}
	w.out = append(w.out, ']')
	return nil
}

// object transcodes the n pairs of a map, dropping undefined members.
func (w *jsonWriter) object(n, depth int) error {
	if depth >= w.maxDepth {
		return ErrTooDeep
	}
	w.out = append(w.out, '{')
	first := true
	for range n {
		mark := len(w.out)
		if !first {
			w.out = append(w.out, ',')
		}
		if err := w.key(); err != nil {
			return err
		}
		w.out = append(w.out, ':')
		undef, err := w.value(depth + 1)
		if err != nil {
			return err
		}
		if undef {
			w.out = w.out[:mark]
			continue
		}
		first = false
	}
	w.out = append(w.out, '}')
	return nil
}

// key writes a map key as a JSON string.
func (w *jsonWriter) key() error {
	t, err := w.r.next()
	if err != nil {
		return err
	}
	k, err := keyString(&t)
	if err != nil {
		return err
	}
	w.out = appendJSONString(w.out, k)
	return nil
}

// keyString returns the property name JavaScript gives the key token t.
func keyString(t *token) ([]byte, error) {
	switch t.kind {
	case kStr:
		return t.data, nil
	case kUint:
		return strconv.AppendUint(nil, t.u, 10), nil
	case kInt:
		return strconv.AppendInt(nil, t.i, 10), nil
	case kBool:
		return strconv.AppendBool(nil, t.b), nil
	case kNil:
		return []byte("null"), nil
	}
	return nil, malformed("map key of unsupported type")
}
