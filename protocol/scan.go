package protocol

// This file holds a small JSON scanner. It validates JSON text exactly as
// encoding/json.Valid does (same grammar, same nesting limit) and reports
// where values end, without building any value.

// maxDepth is the deepest nesting of arrays and objects accepted; it is
// the limit of encoding/json, so whatever we accept it can decode.
const maxDepth = 10000

// strPlain[c] is true for bytes that may appear unescaped in a JSON string
// and need no special attention: printable ASCII other than '"' and '\\'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanner walks JSON text in data. Its methods take the index where a
// token starts and return the index just past it, or -1 after recording
// the first problem in err and errAt.
type scanner struct {
	data  []byte
	depth int
	// special is set by str when the string holds an escape or a non-ASCII
	// byte, so its raw bytes are not its value.
	special bool
	err     string
	errAt   int
}

// fail records the problem at i, if it is the first, and returns -1.
func (s *scanner) fail(i int, msg string) int {
	if s.err == "" {
		s.err, s.errAt = msg, i
	}
	return -1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// value scans the value starting at i (no leading whitespace).
func (s *scanner) value(i int) int {
	if i >= len(s.data) {
		return s.fail(i, "unexpected end of JSON")
	}
	switch c := s.data[i]; c {
	case '"':
		return s.str(i)
	case '[':
		return s.array(i)
	case '{':
		return s.object(i)
	case 't':
		return s.literal(i, "true")
	case 'f':
		return s.literal(i, "false")
	case 'n':
		return s.literal(i, "null")
	default:
		if c == '-' || isDigit(c) {
			return s.number(i)
		}
	}
	return s.fail(i, "invalid character looking for a JSON value")
}

// whole scans data as one JSON value with optional surrounding whitespace.
func (s *scanner) whole() bool {
	i := s.value(skipSpace(s.data, 0))
	if i < 0 {
		return false
	}
	if i = skipSpace(s.data, i); i != len(s.data) {
		s.fail(i, "unexpected data after the JSON value")
		return false
	}
	return true
}

// literal scans the keyword lit at i.
func (s *scanner) literal(i int, lit string) int {
	if len(s.data)-i < len(lit) || string(s.data[i:i+len(lit)]) != lit {
		return s.fail(i, "invalid literal")
	}
	return i + len(lit)
}

// digits returns the index past the run of digits at i.
func (s *scanner) digits(i int) int {
	for i < len(s.data) && isDigit(s.data[i]) {
		i++
	}
	return i
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at i.
func (s *scanner) number(i int) int {
	d := s.data
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && isDigit(d[i]):
		i = s.digits(i)
	default:
		return s.fail(i, "invalid number")
	}
	if i < len(d) && d[i] == '.' {
		j := s.digits(i + 1)
		if j == i+1 {
			return s.fail(j, "invalid number: no digit after the decimal point")
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := s.digits(i)
		if j == i {
			return s.fail(j, "invalid number: no digit in the exponent")
		}
		i = j
	}
	return i
}

// str scans the string starting with the quote at i and sets s.special.
func (s *scanner) str(i int) int {
	d := s.data
	s.special = false
	for i++; ; {
		for i < len(d) && strPlain[d[i]] {
			i++
		}
		if i >= len(d) {
			return s.fail(i, "unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			s.special = true
			if i = s.escape(i); i < 0 {
				return -1
			}
		case c < 0x20:
			return s.fail(i, "control character in string")
		default:
			s.special = true
			i++
		}
	}
}

// escape scans the escape sequence starting with the backslash at i.
func (s *scanner) escape(i int) int {
	d := s.data
	if i+1 >= len(d) {
		return s.fail(i, "unterminated string")
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2
	case 'u':
		if len(d)-i < 6 {
			return s.fail(i, "unterminated \\u escape")
		}
		for _, c := range d[i+2 : i+6] {
			if !isHex(c) {
				return s.fail(i, "invalid \\u escape")
			}
		}
		return i + 6
	}
	return s.fail(i, "invalid escape in string")
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// enter counts one more level of nesting at i.
func (s *scanner) enter(i int) bool {
	s.depth++
	if s.depth > maxDepth {
		s.fail(i, "JSON nested too deeply")
		return false
	}
	return true
}

// array scans the array starting with the bracket at i.
func (s *scanner) array(i int) int { return s.list(i, ']', "array", s.value) }

// object scans the object starting with the brace at i.
func (s *scanner) object(i int) int { return s.list(i, '}', "object", s.member) }

// list scans an array or an object (what) from its opening bracket or
// brace at i to its closer, calling elem for each element or member: the
// one JSON walk of the package, shared by the scanner and the inliner.
func (s *scanner) list(i int, closer byte, what string, elem func(int) int) int {
	if !s.enter(i) {
		return -1
	}
	d := s.data
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == closer {
		s.depth--
		return i + 1
	}
	for {
		if i = elem(i); i < 0 {
			return -1
		}
		if i = skipSpace(d, i); i >= len(d) {
			return s.fail(i, "unterminated "+what)
		}
		switch d[i] {
		case ',':
			i = skipSpace(d, i+1)
		case closer:
			s.depth--
			return i + 1
		default:
			return s.fail(i, "expected ',' or '"+string(closer)+"' in "+what)
		}
	}
}

// member scans `"key" : value` at i.
func (s *scanner) member(i int) int {
	if _, i = s.key(i); i < 0 {
		return -1
	}
	return s.value(i)
}

// key scans `"key" :` at i. It returns the end of the key string and the
// index of the value after the colon.
func (s *scanner) key(i int) (end, value int) {
	d := s.data
	if i >= len(d) || d[i] != '"' {
		return -1, s.fail(i, "expected a string key in object")
	}
	if end = s.str(i); end < 0 {
		return -1, -1
	}
	if i = skipSpace(d, end); i >= len(d) || d[i] != ':' {
		return -1, s.fail(i, "expected ':' after object key")
	}
	return end, skipSpace(d, i+1)
}
