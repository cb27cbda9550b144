package msgpack

import (
	"fmt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// Sentinel errors. Every error the package returns wraps one of them, so
// test with errors.Is. Each also wraps a sentinel of package errors:
// ErrMalformed and ErrTooDeep wrap errors.ErrInvalidPacket (what the
// router reports for any packet it cannot parse), ErrInvalidJSON and
// ErrNotEncodable wrap errors.ErrEncode (what an emit of values that cannot
// be encoded reports).
var (
	// ErrMalformed reports bytes that are not one well-formed MessagePack
	// value: truncated input, an unknown type byte, a length larger than
	// what follows, trailing bytes, or a map key that is not a string, an
	// integer, a bool or nil.
	ErrMalformed = fmt.Errorf("%w: malformed msgpack", errors.ErrInvalidPacket)

	// ErrTooDeep reports arrays and maps nested deeper than the limit. It
	// also stops cyclic Go values on the encoding side.
	ErrTooDeep = fmt.Errorf("%w: msgpack nested too deeply", errors.ErrInvalidPacket)

	// ErrInvalidJSON reports JSON text that AppendFromJSON cannot parse, or a
	// placeholder whose num is not the index of an attachment.
	ErrInvalidJSON = fmt.Errorf("%w: invalid JSON for msgpack transcoding", errors.ErrEncode)

	// ErrNotEncodable reports a Go value that has no encoding: a NaN or
	// infinite float (refused as encoding/json refuses it) or anything
	// encoding/json cannot encode.
	ErrNotEncodable = fmt.Errorf("%w: value not encodable as msgpack", errors.ErrEncode)
)

// ErrInvalidPacket is protocol.ErrInvalidPacket: every error of
// Decoder.Decode wraps it (and, for malformed bytes, ErrMalformed or
// ErrTooDeep too), so the router's existing parse-error handling applies
// to both parsers unchanged.
var ErrInvalidPacket = protocol.ErrInvalidPacket

// malformed returns an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// invalidPacket returns an error wrapping ErrInvalidPacket.
func invalidPacket(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPacket}, args...)...)
}

// errTruncated is the malformed error for input that ends inside a value.
var errTruncated = fmt.Errorf("%w: unexpected end of input", ErrMalformed)
