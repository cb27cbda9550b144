package msgpack

import (
	"math"

	"github.com/socketeer/socketeer/protocol"
)

// Limits bounds what a Decoder accepts. Zero (or negative) values mean
// the defaults.
type Limits struct {
	// MaxDepth is the deepest nesting of arrays and maps in a frame,
	// counting the packet map itself as level 1 (so the data of an EVENT
	// is level 2). The default is DefaultMaxDepth.
	MaxDepth int
	// MaxNamespaceLen is the longest namespace name, in bytes. The default
	// is 256, as for the JSON parser.
	MaxNamespaceLen int
}

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNamespaceLen <= 0 {
		l.MaxNamespaceLen = 256
	}
	return l
}

// Decoder decodes the binary frames of one connection into packets. It
// only remembers the last namespace, to save an allocation per packet, and
// is not safe for concurrent use: create one per connection, used by its
// reader goroutine.
type Decoder struct {
	limits Limits
	lastNS string
}

// NewDecoder returns a Decoder that enforces l.
func NewDecoder(l Limits) *Decoder {
	return &Decoder{limits: l.withDefaults()}
}

// fields are the members of a packet map that matter; the others are
// skipped, as socket.io-client's "options" member is.
type fields struct {
	typ, nsp, id, data token
	hasType, hasNSP    bool
	hasID, hasData     bool
	dataRaw            []byte
}

// Decode decodes one frame, a MessagePack map with the members type, nsp,
// data and id in any order (others are ignored, the last of duplicates
// wins), into the packet the JSON parser's Decoder returns for the same
// packet, so that the router handles both alike:
//
//   - type is an integral number in 0..4 (socket.io-msgpack-parser has no
//     binary types); nsp a string; id absent, undefined or an integer in
//     0..2^63-1 (NoID when absent);
//   - data, converted by AppendJSON's rules, is absent or an object for
//     CONNECT, absent for DISCONNECT (nil counts as absent for both, as
//     python-socketio sends it; socket.io-msgpack-parser refuses it), a
//     string or an object for
//     CONNECT_ERROR, and an array for EVENT and ACK; an EVENT's array is
//     non-empty and starts with a number or a string that is not a
//     reserved event name (these two checks are the JSON parser's; the
//     msgpack parser leaves them to the server);
//   - binary values in the data of an EVENT or ACK become placeholders and
//     Attachments, and the type BinaryEvent or BinaryAck; in CONNECT and
//     CONNECT_ERROR data they become base64 strings, which decode into a
//     []byte field as the JSON parser's clients send them.
//
// The packet does not alias frame. Errors wrap ErrInvalidPacket, and also
// ErrMalformed or ErrTooDeep when frame is not well-formed MessagePack.
func (d *Decoder) Decode(frame []byte) (*protocol.Packet, error) {
	f, err := d.fields(frame)
	if err != nil {
		return nil, err
	}
	p := &protocol.Packet{ID: protocol.NoID}
	if p.Type, err = packetType(&f); err != nil {
		return nil, err
	}
	if p.Namespace, err = d.namespace(&f); err != nil {
		return nil, err
	}
	if p.ID, err = packetID(&f); err != nil {
		return nil, err
	}
	if err = d.data(p, &f); err != nil {
		return nil, err
	}
	return p, nil
}

// fields reads the packet map.
func (d *Decoder) fields(frame []byte) (f fields, err error) {
	r := reader{b: frame}
	t, err := r.next()
	if err != nil {
		return f, invalidPacket("%w", err)
	}
	if t.kind != kMap {
		return f, invalidPacket("packet is not a msgpack map")
	}
	for range t.n {
		if err = d.member(&r, &f); err != nil {
			return f, invalidPacket("%w", err)
		}
	}
	if r.left() != 0 {
		return f, invalidPacket("%w", malformed("%d trailing bytes", r.left()))
	}
	return f, nil
}

// member reads one key and value of the packet map into f.
func (d *Decoder) member(r *reader, f *fields) error {
	k, err := r.next()
	if err != nil {
		return err
	}
	if _, err = keyString(&k); err != nil {
		return err
	}
	start := r.i
	if err = r.skip(1, d.limits.MaxDepth); err != nil {
		return err
	}
	raw := r.b[start:r.i]
	vr := reader{b: raw}
	v, _ := vr.next()
	if k.kind != kStr {
		return nil // a number, bool or nil key names no field
	}
	switch string(k.data) {
	case "type":
		f.typ, f.hasType = v, true
	case "nsp":
		f.nsp, f.hasNSP = v, true
	case "id":
		f.id, f.hasID = v, true
	case "data":
		f.data, f.dataRaw, f.hasData = v, raw, true
	}
	return nil
}

// integral returns the value of an integral number token.
func integral(t *token) (float64, bool) {
	switch t.kind {
	case kUint:
		return float64(t.u), true
	case kInt:
		return float64(t.i), true
	case kFloat:
		return t.f, t.f == math.Trunc(t.f) && !math.IsInf(t.f, 0)
	}
	return 0, false
}

// packetType checks the type member.
func packetType(f *fields) (protocol.PacketType, error) {
	v, ok := integral(&f.typ)
	if !f.hasType || !ok || v < 0 || v > float64(protocol.ConnectError) {
		return 0, invalidPacket("invalid packet type")
	}
	return protocol.PacketType(v), nil
}

// namespace checks the nsp member.
func (d *Decoder) namespace(f *fields) (string, error) {
	switch {
	case !f.hasNSP || f.nsp.kind != kStr:
		return "", invalidPacket("invalid namespace")
	case len(f.nsp.data) > d.limits.MaxNamespaceLen:
		return "", invalidPacket("namespace longer than %d bytes", d.limits.MaxNamespaceLen)
	case string(f.nsp.data) == "/":
		return "/", nil
	case string(f.nsp.data) != d.lastNS:
		d.lastNS = string(f.nsp.data)
	}
	return d.lastNS, nil
}

// packetID checks the id member.
func packetID(f *fields) (int64, error) {
	if !f.hasID || f.id.undefined() {
		return protocol.NoID, nil
	}
	switch t := &f.id; t.kind {
	case kUint:
		if t.u <= math.MaxInt64 {
			return int64(t.u), nil
		}
	case kInt:
		if t.i >= 0 {
			return t.i, nil
		}
	case kFloat:
		if v, ok := integral(t); ok && v >= 0 && v <= 1<<53 {
			return int64(v), nil
		}
	}
	return 0, invalidPacket("invalid packet id")
}

// data checks the data member against the packet type and sets p.Data
// (and p.Attachments) to its JSON form.
func (d *Decoder) data(p *protocol.Packet, f *fields) error {
	t := &f.data
	absent := !f.hasData || t.undefined()
	if t.kind == kNil && (p.Type == protocol.Connect || p.Type == protocol.Disconnect) {
		absent = true // python-socketio sends data None (nil) for "no data"
	}
	var ok bool
	switch p.Type {
	case protocol.Connect:
		ok = absent || t.kind == kMap
	case protocol.Disconnect:
		ok = absent
	case protocol.ConnectError:
		ok = !absent && (t.kind == kStr || t.kind == kMap)
	default:
		ok = !absent && t.kind == kArray
	}
	if !ok {
		return invalidPacket("invalid payload for %s", p.Type)
	}
	if absent {
		return nil
	}
	if p.Type == protocol.Event {
		if err := eventName(f.dataRaw); err != nil {
			return err
		}
	}
	// skip checked the depth, with the packet map as level 1
	w := jsonWriter{r: reader{b: f.dataRaw}, maxDepth: d.limits.MaxDepth, inline: p.Type != protocol.Event && p.Type != protocol.Ack}
	w.out = make([]byte, 0, len(f.dataRaw)+len(f.dataRaw)/2+8)
	if err := w.whole(); err != nil {
		return invalidPacket("%w", err) // not reached: the value was checked by skip
	}
	p.Data = w.out
	if len(w.atts) > 0 {
		p.Attachments = w.atts
		p.Type += protocol.BinaryEvent - protocol.Event // Event→BinaryEvent, Ack→BinaryAck
	}
	return nil
}

// eventName checks the first element of the EVENT array raw.
func eventName(raw []byte) error {
	r := reader{b: raw}
	a, _ := r.next()
	if a.n == 0 {
		return invalidPacket("EVENT payload is an empty array")
	}
	name, _ := r.next()
	switch name.kind {
	case kUint, kInt, kFloat:
		return nil
	case kStr:
		if protocol.ReservedEvent(string(name.data)) {
			return invalidPacket("EVENT uses the reserved event name %q", name.data)
		}
		return nil
	}
	return invalidPacket("EVENT name is neither a string nor a number")
}
