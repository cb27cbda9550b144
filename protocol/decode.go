package protocol

import (
	"bytes"
	"fmt"
)

// Decoder turns the Engine.IO messages of one connection into Packets,
// collecting the binary attachments of BinaryEvent and BinaryAck packets.
//
// A Decoder is not safe for concurrent use: each connection has its own,
// used by whatever handles the connection's messages one at a time (the
// session's dispatcher, in the server).
type Decoder struct {
	limits  Limits
	pending *Packet // binary packet waiting for its attachments
	want    int     // attachment count of pending
	held    int     // bytes of pending's attachments so far
	lastNS  string  // last namespace decoded, reused to save an allocation
}

// NewDecoder returns a Decoder that enforces l.
func NewDecoder(l Limits) *Decoder {
	return &Decoder{limits: l.withDefaults()}
}

// Reset drops any packet waiting for attachments.
func (d *Decoder) Reset() {
	d.pending, d.want, d.held = nil, 0, 0
}

// invalid returns an error wrapping ErrInvalidPacket.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPacket}, args...)...)
}

// DecodeText decodes one text message (without the Engine.IO "4" prefix).
// When the packet is complete it returns it with done set. A BinaryEvent
// or BinaryAck announcing N > 0 attachments returns (nil, false, nil); the
// packet is returned by the DecodeBinary call that delivers the Nth
// attachment. A text message while attachments are pending is an error.
//
// The returned packet does not alias msg. After an error the Decoder is
// reset; the reference closes the connection on any decode error.
func (d *Decoder) DecodeText(msg []byte) (p *Packet, done bool, err error) {
	if d.pending != nil {
		n := d.want - len(d.pending.Attachments)
		d.Reset()
		return nil, false, invalid("text message while %d binary attachment(s) are pending", n)
	}
	p, n, err := d.parse(msg)
	if err != nil {
		return nil, false, err
	}
	if n == 0 {
		return p, true, nil
	}
	p.Attachments = make([][]byte, 0, min(n, 16))
	d.pending, d.want = p, n
	return nil, false, nil
}

// DecodeBinary takes one binary message as the next attachment of the
// pending packet, and returns the packet once it has all of them and its
// placeholders check out (each names one attachment, none twice). A
// binary message when no attachment is expected is an error. The attachment is
// copied, so msg may be reused.
func (d *Decoder) DecodeBinary(msg []byte) (p *Packet, done bool, err error) {
	p = d.pending
	if p == nil {
		return nil, false, invalid("binary message while no attachment is expected")
	}
	if d.held += len(msg); d.held > d.limits.MaxAttachmentBytes {
		d.Reset()
		return nil, false, invalid("binary attachments larger than %d bytes in all", d.limits.MaxAttachmentBytes)
	}
	b := make([]byte, len(msg))
	copy(b, msg)
	p.Attachments = append(p.Attachments, b)
	if len(p.Attachments) < d.want {
		return nil, false, nil
	}
	d.Reset()
	if err := checkAttachments(p.Data, p.Attachments); err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// parse decodes the text form of a packet and returns it with the number
// of attachments it announces.
func (d *Decoder) parse(msg []byte) (*Packet, int, error) {
	if len(msg) == 0 {
		return nil, 0, invalid("empty packet")
	}
	if c := msg[0]; c < '0' || c > '6' {
		return nil, 0, invalid("unknown packet type %q", c)
	}
	t := PacketType(msg[0] - '0')
	i, n := 1, 0
	var err error
	if t.binary() {
		if n, i, err = d.count(msg, i); err != nil {
			return nil, 0, err
		}
	}
	ns, i, err := d.namespace(msg, i)
	if err != nil {
		return nil, 0, err
	}
	id, i, err := parseID(msg, i)
	if err != nil {
		return nil, 0, err
	}
	data, err := parsePayload(t, msg[i:])
	if err != nil {
		return nil, 0, err
	}
	return &Packet{Type: t, Namespace: ns, ID: id, Data: data}, n, nil
}

// count parses the "<n>-" attachment count at i.
func (d *Decoder) count(msg []byte, i int) (n, next int, err error) {
	start := i
	for ; i < len(msg) && isDigit(msg[i]); i++ {
		n = n*10 + int(msg[i]-'0')
		if n > d.limits.MaxAttachments {
			return 0, 0, invalid("more than %d attachments", d.limits.MaxAttachments)
		}
	}
	if i == start {
		return 0, 0, invalid("%s packet without an attachment count", PacketType(msg[0]-'0'))
	}
	if i >= len(msg) || msg[i] != '-' {
		return 0, 0, invalid("attachment count not followed by '-'")
	}
	return n, i + 1, nil
}

// namespace parses the optional "/name," at i. The name runs to the first
// comma or to the end of msg; a "?query" suffix is dropped.
func (d *Decoder) namespace(msg []byte, i int) (ns string, next int, err error) {
	if i >= len(msg) || msg[i] != '/' {
		return "/", i, nil
	}
	end, next := len(msg), len(msg)
	if c := bytes.IndexByte(msg[i:], ','); c >= 0 {
		end, next = i+c, i+c+1
	}
	name := msg[i:end]
	if q := bytes.IndexByte(name, '?'); q >= 0 {
		name = name[:q]
	}
	switch {
	case len(name) > d.limits.MaxNamespaceLen:
		return "", 0, invalid("namespace longer than %d bytes", d.limits.MaxNamespaceLen)
	case string(name) == "/":
		return "/", next, nil
	case string(name) != d.lastNS:
		d.lastNS = string(name)
	}
	return d.lastNS, next, nil
}

// maxIDDigits bounds the ack id so that it fits an int64.
const maxIDDigits = 18

// parseID parses the optional ack id at i.
func parseID(msg []byte, i int) (id int64, next int, err error) {
	start := i
	for ; i < len(msg) && isDigit(msg[i]); i++ {
		if i-start == maxIDDigits {
			return 0, 0, invalid("ack id longer than %d digits", maxIDDigits)
		}
		id = id*10 + int64(msg[i]-'0')
	}
	if i == start {
		return NoID, i, nil
	}
	return id, i, nil
}
