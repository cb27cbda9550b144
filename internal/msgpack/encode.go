package msgpack

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/socketeer/socketeer/internal/jsontext"
)

// maxEncodeDepth bounds the walk of nested []any and map[string]any
// values, which also stops cyclic ones. It matches the JSON encoder's.
const maxEncodeDepth = 1000

// Append appends the MessagePack encoding of v to dst and returns the
// extended buffer. The encoding is the one the JSON parser's value would
// get from notepack after JSON.parse, so that a client sees the same
// value whichever parser its connection uses, except that a []byte
// becomes a bin (a Node Buffer) instead of an attachment:
//
//   - nil, bool and string are written as themselves; a nil []byte, []any
//     or map[string]any is nil, as encoding/json writes null.
//   - Integers take the shortest integer form. A float64 (or float32) with
//     an integral value is an integer too, as notepack writes the
//     JavaScript number; other floats are float 64. NaN and infinities
//     are refused, as encoding/json refuses them.
//   - []byte is bin; [][]byte an array of bins.
//   - []any and map[string]any are walked (map keys sorted, as
//     encoding/json sorts them); json.RawMessage is transcoded.
//   - Any other value goes through encoding/json and is transcoded, so
//     struct tags, MarshalJSON and time.Time behave as with the JSON
//     parser (a []byte inside a struct is then a base64 string).
//
// On error dst is returned truncated to its original length, with an error
// wrapping ErrNotEncodable, ErrTooDeep or ErrInvalidJSON.
func Append(dst []byte, v any) ([]byte, error) {
	n := len(dst)
	dst, err := appendValue(dst, v, 0)
	if err != nil {
		return dst[:n], err
	}
	return dst, nil
}

// appendValue appends one Go value.
func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return appendNil(dst), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return appendBool(dst, v), nil
	case int:
		return appendInt(dst, int64(v)), nil
	case int64:
		return appendInt(dst, v), nil
	case int32:
		return appendInt(dst, int64(v)), nil
	case int16:
		return appendInt(dst, int64(v)), nil
	case int8:
		return appendInt(dst, int64(v)), nil
	case uint:
		return appendUint(dst, uint64(v)), nil
	case uint64:
		return appendUint(dst, v), nil
	case uint32:
		return appendUint(dst, uint64(v)), nil
	case uint16:
		return appendUint(dst, uint64(v)), nil
	case uint8:
		return appendUint(dst, uint64(v)), nil
	case float64:
		return appendGoFloat(dst, v)
	case float32:
		return appendFloat32(dst, v)
	case []byte:
		if v == nil {
			return appendNil(dst), nil
		}
		return appendBin(dst, v), nil
	case json.RawMessage:
		if len(v) == 0 {
			return appendNil(dst), nil
		}
		return AppendFromJSON(dst, v, nil)
	}
	return appendComposite(dst, v, depth)
}

// appendGoFloat appends a finite float.
func appendGoFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, fmt.Errorf("%w: unsupported float %v", ErrNotEncodable, f)
	}
	return appendNumber(dst, f), nil
}

// appendFloat32 appends a float32 as the float64 of its shortest decimal
// form, the number a client gets from the JSON parser (0.1, not
// 0.10000000149011612).
func appendFloat32(dst []byte, f float32) ([]byte, error) {
	var buf [32]byte
	g, _ := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)), 64)
	return appendGoFloat(dst, g)
}

// appendComposite appends the container types that are walked, and
// anything else through encoding/json.
func appendComposite(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case []any:
		if v == nil {
			return appendNil(dst), nil
		}
		return appendSlice(dst, v, depth)
	case map[string]any:
		if v == nil {
			return appendNil(dst), nil
		}
		return appendMap(dst, v, depth)
	case [][]byte:
		if v == nil {
			return appendNil(dst), nil
		}
		dst = appendArrayHeader(dst, len(v))
		for _, b := range v {
			dst, _ = appendValue(dst, b, depth+1)
		}
		return dst, nil
	}
	return appendViaJSON(dst, v)
}

// appendSlice appends a []any.
func appendSlice(dst []byte, v []any, depth int) ([]byte, error) {
	if depth >= maxEncodeDepth {
		return dst, ErrTooDeep
	}
	dst = appendArrayHeader(dst, len(v))
	var err error
	for _, e := range v {
		if dst, err = appendValue(dst, e, depth+1); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendMap appends a map[string]any with its keys sorted.
func appendMap(dst []byte, m map[string]any, depth int) ([]byte, error) {
	if depth >= maxEncodeDepth {
		return dst, ErrTooDeep
	}
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = appendMapHeader(dst, len(keys))
	var err error
	for _, k := range keys {
		dst = appendString(dst, k)
		if dst, err = appendValue(dst, m[k], depth+1); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendViaJSON encodes v with encoding/json and transcodes the text.
func appendViaJSON(dst []byte, v any) ([]byte, error) {
	var terr error
	err := jsontext.Encode(v, func(text []byte) error {
		dst, terr = AppendFromJSON(dst, text, nil)
		return nil
	})
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrNotEncodable, err)
	}
	return dst, terr
}
