package msgpack

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/socketeer/socketeer/internal/jsontext"
)

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as Node's Buffer#toString makes it; control characters, '"' and
// '\' are escaped, nothing else is.
func appendJSONString(dst []byte, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscape appends the escape of the ASCII byte c, or U+FFFD for an
// invalid UTF-8 byte.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	if c >= utf8.RuneSelf {
		return utf8.AppendRune(dst, utf8.RuneError)
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

// appendJSONFloat appends a float as a JSON number the way encoding/json
// formats it, but -0 as 0 and NaN and infinities as null, as
// JSON.stringify does, and integral values below 1e21 with all their
// digits (-9223372036854775808, not -9223372036854776000), so that they
// decode into an int64 or uint64 when they fit.
func appendJSONFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return append(dst, "null"...)
	case f == 0:
		return append(dst, '0')
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.AppendFloat(dst, f, 'f', 0, 64)
	}
	return jsontext.AppendFloat(dst, f)
}

// maxDateMillis is the range of a JavaScript Date, ±8.64e15 ms.
const maxDateMillis = 8.64e15

// appendJSONDate appends the JSON form a JavaScript Date of ms
// milliseconds since the epoch has: its toISOString, with a six-digit
// signed year outside 0..9999, or null when out of range.
func appendJSONDate(dst []byte, ms float64) []byte {
	if math.IsNaN(ms) || math.Abs(ms) > maxDateMillis {
		return append(dst, "null"...)
	}
	t := time.UnixMilli(int64(ms)).UTC()
	dst = append(dst, '"')
	switch y := t.Year(); {
	case y >= 0 && y <= 9999:
		dst = t.AppendFormat(dst, "2006")
	case y < 0:
		dst = appendPadded(append(dst, '-'), -y, 6)
	default:
		dst = appendPadded(append(dst, '+'), y, 6)
	}
	dst = t.AppendFormat(dst, "-01-02T15:04:05.000Z")
	return append(dst, '"')
}

// appendPadded appends v in decimal, left-padded with zeros to width.
func appendPadded(dst []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for range width - len(s) {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
