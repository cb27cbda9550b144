package protocol

import "strconv"

// AppendPacket appends the text form of p (without the Engine.IO "4"
// prefix) to dst and returns the extended buffer:
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
// BinaryEvent and BinaryAck write len(p.Attachments) and '-'; the
// namespace is written with its trailing comma unless it is "/" or "";
// the ack id unless it is negative (NoID); then p.Data verbatim. The
// attachments themselves are sent by the caller as separate binary
// messages. AppendPacket does not validate p.
func AppendPacket(dst []byte, p *Packet) []byte {
	dst = append(dst, '0'+byte(p.Type))
	if p.Type.binary() {
		dst = strconv.AppendInt(dst, int64(len(p.Attachments)), 10)
		dst = append(dst, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		dst = append(dst, p.Namespace...)
		dst = append(dst, ',')
	}
	if p.ID >= 0 {
		dst = strconv.AppendInt(dst, p.ID, 10)
	}
	return append(dst, p.Data...)
}
