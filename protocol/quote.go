package protocol

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped exactly as an
// encoding/json Encoder with SetEscapeHTML(false) does: invalid UTF-8
// becomes \ufffd and U+2028, U+2029 are escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if strPlain[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscape appends the escape sequence of the ASCII byte c.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// stringValue returns the value of the valid JSON string token raw
// (quotes included). special is the scanner's flag for that token: when
// false the bytes between the quotes are the value.
func stringValue(raw []byte, special bool) string {
	inner := raw[1 : len(raw)-1]
	if !special || utf8.Valid(inner) && !hasBackslash(inner) {
		return string(inner)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return string(inner) // unreachable: raw was validated
	}
	return s
}

// stringIs reports whether the valid JSON string token raw has value want,
// without allocating unless the token holds an escape.
func stringIs(raw []byte, special bool, want string) bool {
	inner := raw[1 : len(raw)-1]
	if !special || !hasBackslash(inner) {
		// Without escapes the value is the raw bytes (invalid UTF-8 would
		// turn into U+FFFD, which want never holds).
		return string(inner) == want
	}
	return stringValue(raw, true) == want
}

func hasBackslash(b []byte) bool {
	return bytes.IndexByte(b, '\\') >= 0
}
