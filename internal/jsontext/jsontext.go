// Package jsontext holds the JSON text helpers the two packet codecs share:
// the protocol package (the default parser) and internal/msgpack (which
// transcodes to and from the default parser's JSON form).
package jsontext

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"sync"
)

// AppendFloat formats a finite float64 the way encoding/json does: plain
// notation for magnitudes in [1e-6, 1e21), exponent notation otherwise,
// with a one-digit exponent left unpadded (1e-7, not 1e-07).
func AppendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// encoder is a pooled encoding/json Encoder writing into buf.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// maxPooledBuf keeps huge one-off values from pinning memory in the pool.
const maxPooledBuf = 64 << 10

// Encode encodes v with encoding/json (HTML characters not escaped) and
// hands the text, without its trailing newline, to use; the text is valid
// only during the call. It returns encoding/json's error, else use's.
func Encode(v any, use func(text []byte) error) error {
	e := encoders.Get().(*encoder)
	defer func() {
		if e.buf.Cap() <= maxPooledBuf {
			encoders.Put(e)
		}
	}()
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	b := e.buf.Bytes()
	return use(b[:len(b)-1])
}
