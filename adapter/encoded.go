package adapter

import "github.com/socketeer/socketeer/protocol"

// Encoded is a packet encoded once and shared, unchanged, by every socket
// it is delivered to.
type Encoded struct {
	// Text is the Socket.IO packet in text form, without the Engine.IO
	// message prefix.
	Text []byte
	// Attachments are the binary attachments that follow Text.
	Attachments [][]byte
}

// Encode encodes p for delivery.
func Encode(p *protocol.Packet) *Encoded {
	return &Encoded{Text: protocol.AppendPacket(nil, p), Attachments: p.Attachments}
}
