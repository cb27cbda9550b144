package adapter

import (
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/protocol"
)

// Encoded is a packet encoded once and shared, unchanged, by every socket
// it is delivered to.
type Encoded struct {
	// Text is the Socket.IO packet in text form, without the Engine.IO
	// message prefix.
	Text []byte
	// Attachments are the binary attachments that follow Text.
	Attachments [][]byte

	frames []engine.Packet // built by Encode, shared read-only
}

// Encode encodes p for delivery.
func Encode(p *protocol.Packet) *Encoded {
	e := &Encoded{Text: protocol.AppendPacket(nil, p), Attachments: p.Attachments}
	e.frames = e.buildFrames()
	return e
}

// Frames returns the Engine.IO messages that carry the packet: Text, then
// one binary message per attachment. The slice is shared by every
// recipient and must not be modified; an Encoded made by Encode builds it
// once, so a broadcast does not allocate per recipient.
func (e *Encoded) Frames() []engine.Packet {
	if e.frames != nil {
		return e.frames
	}
	return e.buildFrames()
}

func (e *Encoded) buildFrames() []engine.Packet {
	frames := make([]engine.Packet, 0, 1+len(e.Attachments))
	frames = append(frames, engine.Packet{Type: engine.Message, Data: e.Text})
	for _, a := range e.Attachments {
		frames = append(frames, engine.Packet{Type: engine.Message, Data: a, Binary: true})
	}
	return frames
}
