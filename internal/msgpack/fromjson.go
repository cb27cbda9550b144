package msgpack

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth is the deepest JSON nesting AppendFromJSON accepts, the
// protocol package's scanner limit, so that every payload the JSON parser
// accepts can be transcoded.
const maxJSONDepth = 10000

// AppendFromJSON appends the MessagePack encoding of the JSON text data to
// dst: the bytes notepack writes for JSON.parse(data), so that a packet
// decoded by the JSON parser is re-encoded for a msgpack client exactly
// as a Node server would send it. Numbers with an integral value become
// integers (exactly, when the literal is an integer within the int64 or
// uint64 range), other numbers float 64; object keys keep their order.
//
// When attachments is not empty, every placeholder object
// {"_placeholder":true,"num":i} becomes a bin holding attachments[i], as
// the binary values of the JSON parser travel as a bin in msgpack. With no
// attachments, placeholders are ordinary objects, as in the reference.
//
// Errors wrap ErrInvalidJSON (or ErrTooDeep); dst is then returned
// truncated to its original length.
func AppendFromJSON(dst []byte, data []byte, attachments [][]byte) ([]byte, error) {
	n := len(dst)
	t := transcoder{data: data, atts: attachments, out: dst}
	i := t.value(skipWS(data, 0), 0)
	if t.err == nil && skipWS(data, i) != len(data) {
		t.fail(i, "unexpected data after the value")
	}
	if t.err != nil {
		return dst[:n], t.err
	}
	return t.out, nil
}

// transcoder converts JSON text to MessagePack.
type transcoder struct {
	data []byte
	atts [][]byte
	out  []byte
	err  error
}

// fail records the first error and returns -1.
func (t *transcoder) fail(i int, what string) int {
	if t.err == nil {
		t.err = fmt.Errorf("%w: %s at offset %d", ErrInvalidJSON, what, i)
	}
	return -1
}

// skipWS skips JSON whitespace from i.
func skipWS(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
		i++
	}
	return i
}

// value transcodes the value at i and returns the offset after it, or -1.
func (t *transcoder) value(i, depth int) int {
	if i < 0 || i >= len(t.data) {
		return t.fail(i, "unexpected end of JSON")
	}
	switch c := t.data[i]; {
	case c == '{':
		return t.object(i, depth)
	case c == '[':
		return t.array(i, depth)
	case c == '"':
		return t.str(i)
	case c == '-' || c >= '0' && c <= '9':
		return t.number(i)
	}
	return t.literal(i)
}

// literal transcodes true, false or null.
func (t *transcoder) literal(i int) int {
	for _, l := range [...]struct {
		text string
		code byte
	}{{"true", 0xc3}, {"false", 0xc2}, {"null", 0xc0}} {
		if len(t.data)-i >= len(l.text) && string(t.data[i:i+len(l.text)]) == l.text {
			t.out = append(t.out, l.code)
			return i + len(l.text)
		}
	}
	return t.fail(i, "invalid character")
}

// array transcodes the array at i.
func (t *transcoder) array(i, depth int) int {
	if depth >= maxJSONDepth {
		t.err = ErrTooDeep
		return -1
	}
	h := len(t.out)
	t.out = append(t.out, 0)
	n := 0
	i = skipWS(t.data, i+1)
	if i < len(t.data) && t.data[i] == ']' {
		t.out[h] = 0x90
		return i + 1
	}
	for {
		if i = t.value(i, depth+1); i < 0 {
			return -1
		}
		n++
		i = skipWS(t.data, i)
		if i >= len(t.data) {
			return t.fail(i, "unterminated array")
		}
		switch t.data[i] {
		case ',':
			i = skipWS(t.data, i+1)
		case ']':
			t.out = patchHeader(t.out, h, 0x90, 0xdc, n)
			return i + 1
		default:
			return t.fail(i, "expected ',' or ']'")
		}
	}
}

// placeholder tracks the members of an object that make it a placeholder.
type placeholder struct {
	is  bool // last "_placeholder" member was true
	num int  // last "num" member, -1 when not a valid index
}

// object transcodes the object at i; a placeholder becomes its attachment.
func (t *transcoder) object(i, depth int) int {
	if depth >= maxJSONDepth {
		t.err = ErrTooDeep
		return -1
	}
	h := len(t.out)
	t.out = append(t.out, 0)
	n := 0
	ph := placeholder{num: -1}
	i = skipWS(t.data, i+1)
	if i < len(t.data) && t.data[i] == '}' {
		t.out[h] = 0x80
		return i + 1
	}
	for {
		if i >= len(t.data) || t.data[i] != '"' {
			return t.fail(i, "expected an object key")
		}
		k := len(t.out)
		if i = t.str(i); i < 0 {
			return -1
		}
		if i = skipWS(t.data, i); i >= len(t.data) || t.data[i] != ':' {
			return t.fail(i, "expected ':'")
		}
		v := len(t.out)
		if i = t.value(skipWS(t.data, i+1), depth+1); i < 0 {
			return -1
		}
		t.member(&ph, t.out[k:v], t.out[v:])
		n++
		if i = skipWS(t.data, i); i >= len(t.data) {
			return t.fail(i, "unterminated object")
		}
		switch t.data[i] {
		case ',':
			i = skipWS(t.data, i+1)
		case '}':
			return t.endObject(&ph, h, n, i+1)
		default:
			return t.fail(i, "expected ',' or '}'")
		}
	}
}

// member notes a placeholder member, given the msgpack key and value.
func (t *transcoder) member(ph *placeholder, key, val []byte) {
	if len(t.atts) == 0 {
		return
	}
	switch string(key) {
	case "\xac_placeholder":
		ph.is = len(val) == 1 && val[0] == 0xc3
	case "\xa3num":
		ph.num = -1
		r := reader{b: val}
		if tok, err := r.next(); err == nil && tok.kind == kUint && tok.u < uint64(len(t.atts)) {
			ph.num = int(tok.u)
		}
	}
}

// endObject finishes the object whose header is at h and returns next.
func (t *transcoder) endObject(ph *placeholder, h, n, next int) int {
	if !ph.is {
		t.out = patchHeader(t.out, h, 0x80, 0xde, n)
		return next
	}
	if ph.num < 0 {
		return t.fail(next, "placeholder without a valid attachment index")
	}
	t.out = appendBin(t.out[:h], t.atts[ph.num])
	return next
}

// str transcodes the JSON string at i (which starts with '"').
func (t *transcoder) str(i int) int {
	start := i + 1
	simple := true
	for j := start; j < len(t.data); j++ {
		switch c := t.data[j]; {
		case c == '"':
			s := t.data[start:j]
			if simple && utf8.Valid(s) {
				t.out = append(appendStrHeader(t.out, len(s)), s...)
				return j + 1
			}
			return t.unescape(start, j)
		case c == '\\':
			simple = false
			j++
		case c < 0x20:
			return t.fail(j, "control character in string")
		}
	}
	return t.fail(i, "unterminated string")
}

// unescape transcodes the string body data[start:end], which holds
// escapes or invalid UTF-8 (replaced by U+FFFD, as are lone surrogates).
func (t *transcoder) unescape(start, end int) int {
	var buf []byte
	d := t.data[:end]
	for i := start; i < end; {
		c := d[i]
		if c != '\\' {
			r, size := utf8.DecodeRune(d[i:])
			buf = utf8.AppendRune(buf, r)
			i += size
			continue
		}
		if i+1 >= end {
			return t.fail(i, "invalid escape")
		}
		i += 2
		switch e := d[i-1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, next := unicodeEscape(d, i-2)
			if next < 0 {
				return t.fail(i, "invalid \\u escape")
			}
			buf, i = utf8.AppendRune(buf, r), next
		default:
			return t.fail(i, "invalid escape")
		}
	}
	t.out = append(appendStrHeader(t.out, len(buf)), buf...)
	return end + 1
}

// unicodeEscape decodes the \uXXXX escape at i (and a following low
// surrogate escape), returning the rune and the offset after it, or -1.
func unicodeEscape(d []byte, i int) (rune, int) {
	r := hex4(d, i+2)
	if r < 0 {
		return 0, -1
	}
	if !utf16.IsSurrogate(r) {
		return r, i + 6
	}
	if i+12 <= len(d) && d[i+6] == '\\' && d[i+7] == 'u' {
		if lo := hex4(d, i+8); lo >= 0 {
			if p := utf16.DecodeRune(r, lo); p != utf8.RuneError {
				return p, i + 12
			}
		}
	}
	return utf8.RuneError, i + 6
}

// hex4 parses four hex digits at i, or returns -1.
func hex4(d []byte, i int) rune {
	if i+4 > len(d) {
		return -1
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number transcodes the JSON number at i.
func (t *transcoder) number(i int) int {
	end, integer := scanNumber(t.data, i)
	if end < 0 {
		return t.fail(i, "invalid number")
	}
	lit := string(t.data[i:end])
	if integer {
		if lit[0] == '-' {
			if v, err := strconv.ParseInt(lit, 10, 64); err == nil {
				t.out = appendInt(t.out, v)
				return end
			}
		} else if v, err := strconv.ParseUint(lit, 10, 64); err == nil {
			t.out = appendUint(t.out, v)
			return end
		}
	}
	f, _ := strconv.ParseFloat(lit, 64) // out of range gives ±Inf or ±0, as in JavaScript
	t.out = appendNumber(t.out, f)
	return end
}

// scanNumber returns the end of the JSON number at i (-1 if invalid) and
// whether it has neither fraction nor exponent.
func scanNumber(d []byte, i int) (end int, integer bool) {
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		return -1, false
	}
	integer = true
	if i < len(d) && d[i] == '.' {
		integer = false
		if j := digits(d, i+1); j > i+1 {
			i = j
		} else {
			return -1, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		integer = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return -1, false
		}
		i = j
	}
	return i, integer
}

// digits returns the offset after the run of digits at i.
func digits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}
