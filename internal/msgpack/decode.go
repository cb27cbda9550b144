package msgpack

import (
	"math"
	"strconv"
)

// Decode decodes the one MessagePack value in src into the value
// json.Unmarshal would give for the JSON text AppendJSON writes, with
// protocol.Reconstruct's treatment of binary:
//
//	nil → nil           bool → bool           every number → float64 (NaN, ±Inf → nil)
//	str → string        bin, ArrayBuffer → []byte (a copy)
//	array → []any       map → map[string]any  Date, timestamp → ISO string
//
// so that a handler parameter of type any sees the same value whichever
// parser the client uses. Integers beyond 2^53 lose precision, as in
// JavaScript; AppendJSON keeps them exact. Undefined is dropped from maps
// and is nil elsewhere; other extensions are []any{float64(type), []byte}.
//
// Errors wrap ErrMalformed or ErrTooDeep (nesting deeper than
// DefaultMaxDepth).
func Decode(src []byte) (any, error) {
	d := treeDecoder{r: reader{b: src}, maxDepth: DefaultMaxDepth}
	v, _, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.r.left() != 0 {
		return nil, malformed("%d trailing bytes", d.r.left())
	}
	return v, nil
}

// treeDecoder decodes MessagePack into generic Go values.
type treeDecoder struct {
	r        reader
	maxDepth int
}

// value decodes one value and reports whether it is undefined.
func (d *treeDecoder) value(depth int) (v any, undefined bool, err error) {
	t, err := d.r.next()
	if err != nil {
		return nil, false, err
	}
	switch t.kind {
	case kBool:
		return t.b, false, nil
	case kUint:
		return float64(t.u), false, nil
	case kInt:
		return float64(t.i), false, nil
	case kFloat:
		switch {
		case math.IsNaN(t.f) || math.IsInf(t.f, 0):
			return nil, false, nil // null in JSON
		case t.f == 0:
			return 0.0, false, nil // not -0
		}
		return t.f, false, nil
	case kStr:
		return string(jsString(t.data)), false, nil
	case kBin:
		return append([]byte{}, t.data...), false, nil
	case kExt:
		v, undefined = d.ext(&t)
		return v, undefined, nil
	case kArray:
		v, err = d.array(t.n, depth)
		return v, false, err
	case kMap:
		v, err = d.object(t.n, depth)
		return v, false, err
	}
	return nil, false, nil
}

// jsString returns s with invalid UTF-8 replaced by U+FFFD (s itself when
// it is valid).
func jsString(s []byte) []byte {
	q := appendJSONString(nil, s)
	if len(q) == len(s)+2 {
		return s
	}
	v, err := strconv.Unquote(string(q))
	if err != nil {
		return s
	}
	return []byte(v)
}

// ext decodes an extension value.
func (d *treeDecoder) ext(t *token) (any, bool) {
	m, ms := meaning(t)
	switch m {
	case extUndefined:
		return nil, true
	case extDate:
		q := appendJSONDate(nil, ms)
		if q[0] != '"' {
			return nil, false
		}
		return string(q[1 : len(q)-1]), false
	case extBinary:
		return append([]byte{}, t.data...), false
	}
	return []any{float64(t.ext), append([]byte{}, t.data...)}, false
}

// array decodes the n elements of an array.
func (d *treeDecoder) array(n, depth int) (any, error) {
	if depth >= d.maxDepth {
		return nil, ErrTooDeep
	}
	a := make([]any, 0, min(n, 1024))
	for range n {
		v, _, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	return a, nil
}

// object decodes the n pairs of a map; the last of duplicate keys wins,
// as in json.Unmarshal.
func (d *treeDecoder) object(n, depth int) (any, error) {
	if depth >= d.maxDepth {
		return nil, ErrTooDeep
	}
	m := make(map[string]any, min(n, 64))
	for range n {
		t, err := d.r.next()
		if err != nil {
			return nil, err
		}
		k, err := keyString(&t)
		if err != nil {
			return nil, err
		}
		v, undefined, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if undefined {
			continue // as AppendJSON drops the member
		}
		m[string(jsString(k))] = v
	}
	return m, nil
}
