package msgpack

import (
	"encoding/binary"
	"math"
)

// extMeaning is what an extension value means to notepack (and to the
// MessagePack timestamp spec, for type -1).
type extMeaning uint8

const (
	extUndefined extMeaning = iota // fixext 1, type 0
	extDate                        // fixext 8, type 0 (ms), or a timestamp
	extBinary                      // ext 8/16/32, type 0: an ArrayBuffer
	extPair                        // anything else: [type, Buffer] in notepack
)

// meaning classifies the extension token t; for a date it also returns
// the milliseconds since the epoch, as JavaScript computes them.
func meaning(t *token) (extMeaning, float64) {
	switch t.ext {
	case extJS:
		switch {
		case t.n >= 0:
			return extBinary, 0
		case len(t.data) == 1:
			return extUndefined, 0
		case len(t.data) == 8:
			return extDate, float64(int64(binary.BigEndian.Uint64(t.data)))
		}
	case extTimestamp:
		if ms, ok := timestampMillis(t.data); ok {
			return extDate, ms
		}
	}
	return extPair, 0
}

// timestampMillis decodes a MessagePack timestamp 32, 64 or 96 into
// milliseconds, as notepack 3 does (new Date(s*1e3 + ns/1e6)).
func timestampMillis(p []byte) (float64, bool) {
	var sec, nsec float64
	switch len(p) {
	case 4:
		sec = float64(binary.BigEndian.Uint32(p))
	case 8:
		v := binary.BigEndian.Uint64(p)
		sec, nsec = float64(v&(1<<34-1)), float64(v>>34)
	case 12:
		nsec = float64(binary.BigEndian.Uint32(p))
		sec = float64(int64(binary.BigEndian.Uint64(p[4:])))
	default:
		return 0, false
	}
	return math.Trunc(sec*1e3 + nsec/1e6), true
}
