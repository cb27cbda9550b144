package msgpack

import (
	"encoding/binary"
	"math"
)

// The appenders below choose the shortest form, as notepack does: positive
// integers as positive fixint or uint 8/16/32/64, negative ones as negative
// fixint or int 8/16/32/64, other numbers as float 64, strings as fixstr or
// str 8/16/32, arrays and maps as fix, 16 or 32.

// appendNil appends nil.
func appendNil(dst []byte) []byte { return append(dst, 0xc0) }

// appendBool appends true or false.
func appendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 0xc3)
	}
	return append(dst, 0xc2)
}

// appendUint appends a non-negative integer.
func appendUint(dst []byte, v uint64) []byte {
	switch {
	case v < 0x80:
		return append(dst, byte(v))
	case v <= math.MaxUint8:
		return append(dst, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(v))
	case v <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), v)
}

// appendInt appends an integer: non-negative ones as appendUint does.
func appendInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0:
		return appendUint(dst, uint64(v))
	case v >= -32:
		return append(dst, byte(v))
	case v >= math.MinInt8:
		return append(dst, 0xd0, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(v))
}

// appendNumber appends a float64 the way notepack appends a JavaScript
// number: an integral value as an integer (-0 as 0), anything else as
// float 64. Integral values beyond the int64/uint64 range stay floats.
func appendNumber(dst []byte, f float64) []byte {
	if f == math.Trunc(f) && !math.IsInf(f, 0) {
		switch {
		case f >= 0 && f < 1<<64:
			return appendUint(dst, uint64(f))
		case f < 0 && f >= -1<<63:
			return appendInt(dst, int64(f))
		}
	}
	return appendFloat64(dst, f)
}

// appendFloat64 appends f as float 64.
func appendFloat64(dst []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, 0xcb), math.Float64bits(f))
}

// appendStrHeader appends the header of a string of n bytes.
func appendStrHeader(dst []byte, n int) []byte {
	switch {
	case n < 32:
		return append(dst, 0xa0|byte(n))
	case n <= math.MaxUint8:
		return append(dst, 0xd9, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xda), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdb), uint32(n))
}

// appendString appends s. Its bytes are written as they are.
func appendString(dst []byte, s string) []byte {
	return append(appendStrHeader(dst, len(s)), s...)
}

// appendBin appends b as bin 8/16/32.
func appendBin(dst []byte, b []byte) []byte {
	n := len(b)
	switch {
	case n <= math.MaxUint8:
		dst = append(dst, 0xc4, byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xc5), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xc6), uint32(n))
	}
	return append(dst, b...)
}

// appendArrayHeader appends the header of an array of n elements.
func appendArrayHeader(dst []byte, n int) []byte {
	return appendContainerHeader(dst, 0x90, 0xdc, n)
}

// appendMapHeader appends the header of a map of n pairs.
func appendMapHeader(dst []byte, n int) []byte {
	return appendContainerHeader(dst, 0x80, 0xde, n)
}

// appendContainerHeader appends a fix (fix|n), 16 (c16) or 32 (c16+1)
// header.
func appendContainerHeader(dst []byte, fix, c16 byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, fix|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, c16+1), uint32(n))
}

// headerLen is the length of appendContainerHeader's output for n.
func headerLen(n int) int {
	switch {
	case n < 16:
		return 1
	case n <= math.MaxUint16:
		return 3
	}
	return 5
}

// patchHeader writes the header of a container of n elements at dst[h],
// where one byte was reserved, moving the elements that follow when the
// header needs more room.
func patchHeader(dst []byte, h int, fix, c16 byte, n int) []byte {
	extra := headerLen(n) - 1
	if extra > 0 {
		end := len(dst)
		dst = append(dst, make([]byte, extra)...)
		copy(dst[h+1+extra:], dst[h+1:end])
	}
	appendContainerHeader(dst[h:h], fix, c16, n)
	return dst
}
