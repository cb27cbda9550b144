package protocol

// PeekText looks at a text message before the connection's Decoder does,
// for a reader that lets acknowledgements overtake its queue of messages:
//
//   - for a plain ACK packet it returns the decoded packet (valid, with
//     limits l applied);
//   - for a BINARY_EVENT or BINARY_ACK it returns the number of binary
//     messages that follow as its attachments;
//   - for anything else, and for invalid messages (which the Decoder then
//     reports), it returns nil and 0.
//
// It keeps no state: the caller counts the attachments that follow.
func PeekText(msg []byte, l Limits) (ack *Packet, attachments int) {
	if len(msg) == 0 {
		return nil, 0
	}
	switch PacketType(msg[0] - '0') {
	case BinaryEvent, BinaryAck:
		d := Decoder{limits: l.withDefaults()}
		n, _, err := d.count(msg, 1)
		if err != nil {
			return nil, 0
		}
		return nil, n
	case Ack:
		d := Decoder{limits: l.withDefaults()}
		p, done, err := d.DecodeText(msg)
		if err != nil || !done {
			return nil, 0
		}
		return p, 0
	}
	return nil, 0
}
