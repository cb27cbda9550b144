package msgpack

import "github.com/socketeer/socketeer/protocol"

// Member names, as MessagePack strings.
const (
	keyType = "\xa4type"
	keyData = "\xa4data"
	keyNSP  = "\xa3nsp"
	keyID   = "\xa2id"
)

// AppendPacket appends the MessagePack frame of p to dst: the packet the
// JSON parser's p stands for, as a Node server would send it through
// socket.io-msgpack-parser. p.Data (JSON text) is transcoded by
// AppendFromJSON with p.Attachments, so placeholders become bins;
// BinaryEvent and BinaryAck are written as EVENT and ACK (2 and 3). The
// members come in the order socket.io 4.8 builds them: id, type, data, nsp
// for an ACK; type, data, id, nsp otherwise; data is omitted when p.Data
// is empty, id when p.ID is negative; a namespace "" is written "/".
//
// On error (p.Data is not valid JSON, or a placeholder is out of range)
// dst is returned truncated to its original length, with an error
// wrapping ErrInvalidJSON or ErrTooDeep. AppendPacket does not otherwise
// validate p.
func AppendPacket(dst []byte, p *protocol.Packet) ([]byte, error) {
	n := len(dst)
	typ := p.Type
	if typ == protocol.BinaryEvent || typ == protocol.BinaryAck {
		typ -= protocol.BinaryEvent - protocol.Event
	}
	dst = appendMapHeader(dst, packetMembers(len(p.Data) > 0, p.ID))
	if typ == protocol.Ack && p.ID >= 0 {
		dst = appendInt(append(dst, keyID...), p.ID)
	}
	dst = append(append(dst, keyType...), byte(typ))
	if len(p.Data) > 0 {
		var err error
		if dst, err = AppendFromJSON(append(dst, keyData...), p.Data, p.Attachments); err != nil {
			return dst[:n], err
		}
	}
	if typ != protocol.Ack && p.ID >= 0 {
		dst = appendInt(append(dst, keyID...), p.ID)
	}
	return appendNSP(dst, p.Namespace), nil
}

// packetMembers counts the members of a packet map.
func packetMembers(data bool, id int64) int {
	n := 2 // type, nsp
	if data {
		n++
	}
	if id >= 0 {
		n++
	}
	return n
}

// appendNSP appends the nsp member.
func appendNSP(dst []byte, ns string) []byte {
	if ns == "" {
		ns = "/"
	}
	return appendString(append(dst, keyNSP...), ns)
}

// AppendEvent appends the frame of an EVENT packet ["name", args...] on
// namespace ns with ack id id (none when negative), encoding the args
// directly from Go values by Append's rules: the server's emit path,
// which needs no JSON step. The frame is the one AppendPacket writes for
// the JSON parser's packet of the same event. On error dst is returned
// truncated to its original length.
func AppendEvent(dst []byte, ns string, id int64, name string, args []any) ([]byte, error) {
	n := len(dst)
	dst = appendMapHeader(dst, packetMembers(true, id))
	dst = append(append(dst, keyType...), byte(protocol.Event))
	dst = appendArrayHeader(append(dst, keyData...), 1+len(args))
	dst = appendString(dst, name)
	var err error
	for _, a := range args {
		if dst, err = appendValue(dst, a, 1); err != nil {
			return dst[:n], err
		}
	}
	if id >= 0 {
		dst = appendInt(append(dst, keyID...), id)
	}
	return appendNSP(dst, ns), nil
}

// AppendAck appends the frame of an ACK packet carrying args, the reply to
// the event with ack id id on namespace ns, encoding the args by Append's
// rules. On error dst is returned truncated to its original length.
func AppendAck(dst []byte, ns string, id int64, args []any) ([]byte, error) {
	n := len(dst)
	dst = appendMapHeader(dst, packetMembers(true, id))
	if id >= 0 {
		dst = appendInt(append(dst, keyID...), id)
	}
	dst = append(append(dst, keyType...), byte(protocol.Ack))
	dst = appendArrayHeader(append(dst, keyData...), len(args))
	var err error
	for _, a := range args {
		if dst, err = appendValue(dst, a, 1); err != nil {
			return dst[:n], err
		}
	}
	return appendNSP(dst, ns), nil
}
