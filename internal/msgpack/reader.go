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
	err = r.read(&t)
	return t, err
}

// read reads one token into the zero token t. It fills t in place, which
// keeps the hot path free of struct copies.
func (r *reader) read(t *token) error {
	if r.i >= len(r.b) {
		return errTruncated
	}
	c := r.b[r.i]
	r.i++
	switch {
	case c < 0x80:
		t.kind, t.u = kUint, uint64(c)
		return nil
	case c < 0x90:
		return r.container(t, kMap, uint64(c&0x0f))
	case c < 0xa0:
		return r.container(t, kArray, uint64(c&0x0f))
	case c < 0xc0:
		return r.payload(t, kStr, uint64(c&0x1f))
	case c >= 0xe0:
		t.kind, t.i = kInt, int64(int8(c))
		return nil
	}
	return r.typed(t, c)
}

// typed reads the token of a type byte in 0xc0..0xdf.
func (r *reader) typed(t *token, c byte) (err error) {
	switch c {
	case 0xc0:
		t.kind = kNil
	case 0xc2, 0xc3:
		t.kind, t.b = kBool, c == 0xc3
	case 0xc4, 0xc5, 0xc6:
		return r.sized(t, kBin, 1<<(c-0xc4))
	case 0xc7, 0xc8, 0xc9:
		return r.ext(t, 1<<(c-0xc7))
	case 0xca:
		var u uint64
		u, err = r.uintN(4)
		t.kind, t.f = kFloat, float64(math.Float32frombits(uint32(u)))
	case 0xcb:
		var u uint64
		u, err = r.uintN(8)
		t.kind, t.f = kFloat, math.Float64frombits(u)
	case 0xcc, 0xcd, 0xce, 0xcf:
		t.kind = kUint
		t.u, err = r.uintN(1 << (c - 0xcc))
	case 0xd0, 0xd1, 0xd2, 0xd3:
		return r.signed(t, 1<<(c-0xd0))
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return r.fixext(t, 1<<(c-0xd4))
	case 0xd9, 0xda, 0xdb:
		return r.sized(t, kStr, 1<<(c-0xd9))
	case 0xdc, 0xdd:
		return r.sizedContainer(t, kArray, 2<<(c-0xdc))
	case 0xde, 0xdf:
		return r.sizedContainer(t, kMap, 2<<(c-0xde))
	default:
		return malformed("unknown type byte 0x%02x at offset %d", c, r.i-1)
	}
	return err
}

// signed reads an int 8/16/32/64 of n bytes.
func (r *reader) signed(t *token, n int) error {
	u, err := r.uintN(n)
	t.kind = kInt
	switch n {
	case 1:
		t.i = int64(int8(u))
	case 2:
		t.i = int64(int16(u))
	case 4:
		t.i = int64(int32(u))
	default:
		t.i = int64(u)
	}
	return err
}

// sized reads a string or binary whose length takes n bytes.
func (r *reader) sized(t *token, k kind, n int) error {
	l, err := r.uintN(n)
	if err != nil {
		return err
	}
	return r.payload(t, k, l)
}

// payload reads l bytes of a string or binary.
func (r *reader) payload(t *token, k kind, l uint64) error {
	if l > uint64(r.left()) {
		return errTruncated
	}
	t.kind, t.n, t.data = k, int(l), r.b[r.i:r.i+int(l):r.i+int(l)]
	r.i += int(l)
	return nil
}

// sizedContainer reads an array or map whose length takes n bytes.
func (r *reader) sizedContainer(t *token, k kind, n int) error {
	l, err := r.uintN(n)
	if err != nil {
		return err
	}
	return r.container(t, k, l)
}

// container checks that l elements (pairs for a map) can fit in what
// remains.
func (r *reader) container(t *token, k kind, l uint64) error {
	need := l
	if k == kMap {
		need = 2 * l // l < 1<<32, no overflow
	}
	if need > uint64(r.left()) {
		return errTruncated
	}
	t.kind, t.n = k, int(l)
	return nil
}

// ext reads an ext 8/16/32 whose length takes n bytes.
func (r *reader) ext(t *token, n int) error {
	l, err := r.uintN(n)
	if err != nil {
		return err
	}
	if l >= uint64(r.left()) { // the type byte and l bytes must fit
		return errTruncated
	}
	typ, _ := r.take(1)
	p, _ := r.take(int(l))
	t.kind, t.ext, t.n, t.data = kExt, int8(typ[0]), int(l), p
	return nil
}

// fixext reads a fixext of n bytes. Its n field is -1, which sets it
// apart from an ext 8 of the same length (notepack gives them different
// meanings).
func (r *reader) fixext(t *token, n int) error {
	p, err := r.take(1 + n)
	if err != nil {
		return err
	}
	t.kind, t.ext, t.n, t.data = kExt, int8(p[0]), -1, p[1:]
	return nil
}

// skip reads and discards one whole value, checking its structure and
// depth.
func (r *reader) skip(depth, maxDepth int) error {
	var t token
	if err := r.read(&t); err != nil {
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
