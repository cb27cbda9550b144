package protocol

import (
	"encoding/json"
	"math"
	"strconv"
)

// SplitEvent splits an EVENT payload ["name", args...] into the event name
// and the raw args, without decoding the args. A numeric name is returned
// in its JavaScript string form (1.0 → "1"), as the reference dispatches
// it. The args alias data. SplitEvent does not check for reserved names;
// the Decoder already refused them.
func SplitEvent(data json.RawMessage) (name string, args []json.RawMessage, err error) {
	var buf [8]json.RawMessage
	elems, err := splitArray(data, buf[:0])
	if err != nil {
		return "", nil, err
	}
	if len(elems) == 0 {
		return "", nil, invalid("event payload is an empty array")
	}
	switch first := elems[0]; first[0] {
	case '"':
		name = stringValue(first, true)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		name = jsNumberString(first)
	default:
		return "", nil, invalid("event name is neither a string nor a number")
	}
	return name, heapElems(elems[1:]), nil
}

// SplitArray splits a JSON array, such as an ACK payload, into its raw
// elements, which alias data. An empty array gives a nil slice. Errors
// wrap ErrInvalidPacket.
func SplitArray(data json.RawMessage) ([]json.RawMessage, error) {
	var buf [8]json.RawMessage
	elems, err := splitArray(data, buf[:0])
	if err != nil {
		return nil, err
	}
	return heapElems(elems), nil
}

// heapElems returns a heap copy of elems, which may live in the caller's
// stack buffer; nil when empty.
func heapElems(elems []json.RawMessage) []json.RawMessage {
	if len(elems) == 0 {
		return nil
	}
	out := make([]json.RawMessage, len(elems))
	copy(out, elems)
	return out
}

// splitArray validates the JSON array data and appends its elements to out.
func splitArray(data []byte, out []json.RawMessage) ([]json.RawMessage, error) {
	s := scanner{data: data, depth: 1}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, invalid("payload is not a JSON array")
	}
	if i = skipSpace(data, i+1); i < len(data) && data[i] == ']' {
		return out, arrayEnd(&s, i)
	}
	for {
		start := i
		if i = s.value(i); i < 0 {
			return nil, invalid("payload is not valid JSON: %s at offset %d", s.err, s.errAt)
		}
		out = append(out, data[start:i:i])
		if i = skipSpace(data, i); i >= len(data) {
			return nil, invalid("payload is not valid JSON: unterminated array")
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return out, arrayEnd(&s, i)
		default:
			return nil, invalid("payload is not valid JSON: expected ',' or ']' at offset %d", i)
		}
	}
}

// arrayEnd checks that only whitespace follows the closing bracket at i.
func arrayEnd(s *scanner, i int) error {
	if i = skipSpace(s.data, i+1); i != len(s.data) {
		return invalid("unexpected data after the JSON array at offset %d", i)
	}
	return nil
}

// jsNumberString returns the string JavaScript gives the JSON number lit.
func jsNumberString(lit []byte) string {
	if len(lit) <= 15 && plainInt(lit) {
		if string(lit) == "-0" {
			return "0"
		}
		return string(lit)
	}
	f, _ := strconv.ParseFloat(string(lit), 64) // a range error gives ±Inf or ±0
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	return formatJS(f)
}

// plainInt reports whether lit is an optional '-' and digits only.
func plainInt(lit []byte) bool {
	if len(lit) > 0 && lit[0] == '-' {
		lit = lit[1:]
	}
	for _, c := range lit {
		if !isDigit(c) {
			return false
		}
	}
	return len(lit) > 0
}

// formatJS formats the finite non-zero f as JavaScript's Number#toString:
// shortest round-trip digits, plain notation for exponents in [-7, 21),
// otherwise exponent notation such as 1e+21 or 1.5e-7.
func formatJS(f float64) string {
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	e := 0
	for e < len(b) && b[e] != 'e' {
		e++
	}
	exp, _ := strconv.Atoi(string(b[e+1:]))
	digits := append([]byte{b[0]}, b[min(2, e):e]...)
	k, n := len(digits), exp+1 // value = 0.digits × 10^n
	out := make([]byte, 0, 32)
	if neg {
		out = append(out, '-')
	}
	switch {
	case k <= n && n <= 21:
		out = append(out, digits...)
		for range n - k {
			out = append(out, '0')
		}
	case 0 < n && n <= 21:
		out = append(append(append(out, digits[:n]...), '.'), digits[n:]...)
	case -6 < n && n <= 0:
		out = append(out, '0', '.')
		for range -n {
			out = append(out, '0')
		}
		out = append(out, digits...)
	default:
		out = append(out, digits[0])
		if k > 1 {
			out = append(append(out, '.'), digits[1:]...)
		}
		out = append(out, 'e')
		if n-1 >= 0 {
			out = append(out, '+')
		}
		out = strconv.AppendInt(out, int64(n-1), 10)
	}
	return string(out)
}
