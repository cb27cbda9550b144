package msgpack

import "github.com/socketeer/socketeer/protocol"

// MaybeAck reports whether frame may be an ACK packet: it is a map with a
// type member equal to 3. It skips the other members without converting
// them, so a connection's reader can let acknowledgements overtake its
// event queue without decoding every packet twice. False for anything
// malformed; Decode has the last word either way.
func MaybeAck(frame []byte) bool {
	r := reader{b: frame}
	t, err := r.next()
	if err != nil || t.kind != kMap {
		return false
	}
	for range t.n {
		k, err := r.next()
		if err != nil {
			return false
		}
		start := r.i
		if err := r.skip(1, DefaultMaxDepth); err != nil {
			return false
		}
		if k.kind != kStr || string(k.data) != "type" {
			continue
		}
		vr := reader{b: r.b[start:r.i]}
		v, _ := vr.next()
		if n, ok := integral(&v); ok && n == float64(protocol.Ack) {
			return true
		}
	}
	return false
}
