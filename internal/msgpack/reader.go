package msgpack

import (
	"encoding/binary"
	"math"
)

// kind is the class of a MessagePack token.
type kind uint8

const (
	kNil kind = iota
	kBool
	kInt   // a signed integer type; value in token.i
	kUint  // an unsigned integer type or a positive fixint; value in token.u
	kFloat // float 32 or 64; value in token.f
	kStr   // payload in token.data
	kBin   // payload in token.data
	kExt   // ext type in token.ext, payload in token.data
	kArray // element count in token.n
	kMap   // pair count in token.n
)

// Ext type 0 is notepack's: fixext 1 is undefined, fixext 8 a Date in
// milliseconds, ext 8/16/32 an ArrayBuffer. Ext type -1 is the
// MessagePack timestamp.
const (
	extJS        = 0
	extTimestamp = -1
)

// token is one MessagePack header, with the payload of strings, binaries
// and extensions (which alias the input).
type token struct {
	kind kind
	b    bool
	ext  int8
	n    int
	i    int64
	u    uint64
	f    float64
	data []byte
}

// undefined reports whether t is notepack's undefined (fixext 1, type 0).
func (t *token) undefined() bool {
	return t.kind == kExt && t.ext == extJS && len(t.data) == 1 && t.n == -1
}

// reader reads tokens from b. Lengths are checked against the bytes that
// remain before anything is allocated: a string, binary or extension must
// fit, and an array or map cannot hold more elements than bytes remain
// (every element takes at least one byte), so a header claiming 4 GiB
// fails at once.
type reader struct {
	b []byte
	i int
}

// left returns the number of unread bytes.
func (r *reader) left() int { return len(r.b) - r.i }

// take returns the next n bytes.
func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || n > r.left() {
		return nil, errTruncated
	}
	p := r.b[r.i : r.i+n : r.i+n]
	r.i += n
	return p, nil
}

// uintN reads a big-endian unsigned integer of n bytes (1, 2, 4 or 8).
func (r *reader) uintN(n int) (uint64, error) {
	p, err := r.take(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(p[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(p)), nil
	}
	return binary.BigEndian.Uint64(p), nil
}

// next reads one token header (and the payload of strings, binaries and
// extensions).
func (r *reader) next() (t token, err error) {
	if r.i >= len(r.b) {
		return t, errTruncated
	}
	c := r.b[r.i]
	r.i++
	switch {
	case c < 0x80:
		return token{kind: kUint, u: uint64(c)}, nil
	case c < 0x90:
		return r.container(kMap, uint64(c&0x0f))
	case c < 0xa0:
		return r.container(kArray, uint64(c&0x0f))
	case c < 0xc0:
		return r.payload(kStr, uint64(c&0x1f))
	case c >= 0xe0:
		return token{kind: kInt, i: int64(int8(c))}, nil
	}
	return r.typed(c)
}

// typed reads the token of a type byte in 0xc0..0xdf.
func (r *reader) typed(c byte) (t token, err error) {
	switch c {
	case 0xc0:
		return token{kind: kNil}, nil
	case 0xc2, 0xc3:
		return token{kind: kBool, b: c == 0xc3}, nil
	case 0xc4, 0xc5, 0xc6:
		return r.sized(kBin, 1<<(c-0xc4))
	case 0xc7, 0xc8, 0xc9:
		return r.ext(1 << (c - 0xc7))
	case 0xca:
		u, err := r.uintN(4)
		return token{kind: kFloat, f: float64(math.Float32frombits(uint32(u)))}, err
	case 0xcb:
		u, err := r.uintN(8)
		return token{kind: kFloat, f: math.Float64frombits(u)}, err
	case 0xcc, 0xcd, 0xce, 0xcf:
		u, err := r.uintN(1 << (c - 0xcc))
		return token{kind: kUint, u: u}, err
	case 0xd0, 0xd1, 0xd2, 0xd3:
		return r.signed(1 << (c - 0xd0))
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return r.fixext(1 << (c - 0xd4))
	case 0xd9, 0xda, 0xdb:
		return r.sized(kStr, 1<<(c-0xd9))
	case 0xdc, 0xdd:
		return r.sizedContainer(kArray, 2<<(c-0xdc))
	case 0xde, 0xdf:
		return r.sizedContainer(kMap, 2<<(c-0xde))
	}
	return t, malformed("unknown type byte 0x%02x at offset %d", c, r.i-1)
}

// signed reads an int 8/16/32/64 of n bytes.
func (r *reader) signed(n int) (token, error) {
	u, err := r.uintN(n)
	var i int64
	switch n {
	case 1:
		i = int64(int8(u))
	case 2:
		i = int64(int16(u))
	case 4:
		i = int64(int32(u))
	default:
		i = int64(u)
	}
	return token{kind: kInt, i: i}, err
}

// sized reads a string or binary whose length takes n bytes.
func (r *reader) sized(k kind, n int) (token, error) {
	l, err := r.uintN(n)
	if err != nil {
		return token{}, err
	}
	return r.payload(k, l)
}

// payload reads l bytes of a string or binary.
func (r *reader) payload(k kind, l uint64) (token, error) {
	if l > uint64(r.left()) {
		return token{}, errTruncated
	}
	p, _ := r.take(int(l))
	return token{kind: k, n: int(l), data: p}, nil
}

// sizedContainer reads an array or map whose length takes n bytes.
func (r *reader) sizedContainer(k kind, n int) (token, error) {
	l, err := r.uintN(n)
	if err != nil {
		return token{}, err
	}
	return r.container(k, l)
}

// container checks that l elements (pairs for a map) can fit in what
// remains.
func (r *reader) container(k kind, l uint64) (token, error) {
	need := l
	if k == kMap {
		need = 2 * l // l < 1<<32, no overflow
	}
	if need > uint64(r.left()) {
		return token{}, errTruncated
	}
	return token{kind: k, n: int(l)}, nil
}

// ext reads an ext 8/16/32 whose length takes n bytes.
func (r *reader) ext(n int) (token, error) {
	l, err := r.uintN(n)
	if err != nil {
		return token{}, err
	}
	if l >= uint64(r.left()) { // the type byte and l bytes must fit
		return token{}, errTruncated
	}
	typ, _ := r.take(1)
	p, _ := r.take(int(l))
	return token{kind: kExt, ext: int8(typ[0]), n: int(l), data: p}, nil
}

// fixext reads a fixext of n bytes. Its n field is -1, which sets it
// apart from an ext 8 of the same length (notepack gives them different
// meanings).
func (r *reader) fixext(n int) (token, error) {
	p, err := r.take(1 + n)
	if err != nil {
		return token{}, err
	}
	return token{kind: kExt, ext: int8(p[0]), n: -1, data: p[1:]}, nil
}

// skip reads and discards one whole value, checking its structure and
// depth.
func (r *reader) skip(depth, maxDepth int) error {
	t, err := r.next()
	if err != nil {
		return err
	}
	n := t.n
	switch t.kind {
	case kMap:
		n *= 2
	case kArray:
	default:
		return nil
	}
	if depth >= maxDepth {
		return ErrTooDeep
	}
	for range n {
		if err := r.skip(depth+1, maxDepth); err != nil {
			return err
		}
	}
	return nil
}
