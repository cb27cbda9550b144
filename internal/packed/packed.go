package packed

import "encoding/binary"

// AppendValues appends m in packed form: the number of keys plus one (0
// for a nil map), then for each key its length and bytes, its number of
// values and each value's length and bytes, all lengths as uvarints.
// Keys and values may hold any bytes.
func AppendValues(dst []byte, m map[string][]string) []byte {
	if m == nil {
		return append(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(m))+1)
	for k, vs := range m {
		dst = appendString(dst, k)
		dst = binary.AppendUvarint(dst, uint64(len(vs)))
		for _, v := range vs {
			dst = appendString(dst, v)
		}
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// Values unpacks a map AppendValues packed at the start of s; its strings
// share s's memory. Malformed input yields what could be read.
func Values(s string) map[string][]string {
	r := reader{s: s}
	n := r.uvarint()
	if n == 0 {
		return nil
	}
	m := make(map[string][]string, min(n-1, uint64(len(s))))
	for i := uint64(1); i < n && r.ok(); i++ {
		k := r.str()
		nv := r.uvarint()
		vs := make([]string, 0, min(nv, uint64(len(r.s))))
		for j := uint64(0); j < nv && r.ok(); j++ {
			vs = append(vs, r.str())
		}
		if r.ok() {
			m[k] = vs
		}
	}
	return m
}

// reader walks a packed string; a short or malformed one sets bad.
type reader struct {
	s   string
	bad bool
}

func (r *reader) ok() bool { return !r.bad }

func (r *reader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(r.s) == 0 {
			r.bad = true
			return 0
		}
		b := r.s[0]
		r.s = r.s[1:]
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
	r.bad = true
	return 0
}

func (r *reader) str() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.s)) {
		r.bad = true
		r.s = ""
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

// Part returns part i of a record: the strings concatenated in s, part i
// ending at ends[i] and the last one at the end of s.
func Part(s string, ends []uint32, i int) string {
	start, end := uint32(0), uint32(len(s))
	if i > 0 {
		start = ends[i-1]
	}
	if i < len(ends) {
		end = ends[i]
	}
	return s[start:end]
}
