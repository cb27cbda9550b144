package adapter

import (
	"sync/atomic"

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

	frames []engine.Packet         // built by Encode, shared read-only
	one    [1]engine.Packet        // frames' array when it is the text frame alone
	packet protocol.Packet         // a copy of what Encode encoded, for FramesAs
	made   bool                    // made by Encode: packet is set
	alt    atomic.Pointer[altForm] // FramesAs's first form, built lazily
}

// altForm is the packet's frames in the wire form of another parser.
type altForm struct {
	key    string
	frames []engine.Packet
}

// Encode encodes p for delivery. The Encoded keeps a copy of p (not p
// itself, which may then live on the caller's stack) for FramesAs, whose
// data is the end of Text: p.Data is copied, not kept, so the caller may
// reuse it; the attachments p refers to must not be modified afterwards.
func Encode(p *protocol.Packet) *Encoded {
	text := make([]byte, 0, 44+len(p.Namespace)+len(p.Data)) // with the type, attachment count, separators and id
	e := &Encoded{Text: protocol.AppendPacket(text, p), Attachments: p.Attachments, packet: *p, made: true}
	if p.Data != nil { // AppendPacket ends with the data
		e.packet.Data = e.Text[len(e.Text)-len(p.Data) : len(e.Text) : len(e.Text)]
	}
	if len(p.Attachments) == 0 { // the one frame lives in e: one allocation less per packet
		e.one[0] = engine.Packet{Type: engine.Message, Data: e.Text}
		e.frames = e.one[:]
	} else {
		e.frames = e.buildFrames()
	}
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

// FramesAs returns the packet's Engine.IO messages in the wire form of
// another parser (such as msgpack), which the adapter does not know:
// build makes them from the packet in its parser-neutral form (the JSON
// parser's, with placeholders and attachments). The frames of the first
// key asked for are built once and shared by every recipient, like
// Frames, so a broadcast is encoded once per parser; the JSON form stays
// eager and costs nothing more. Errors of build are returned as they are.
func (e *Encoded) FramesAs(key string, build func(*protocol.Packet) ([]engine.Packet, error)) ([]engine.Packet, error) {
	if a := e.alt.Load(); a != nil && a.key == key {
		return a.frames, nil
	}
	p := &e.packet
	if !e.made {
		var err error
		if p, err = e.decode(); err != nil {
			return nil, err
		}
	}
	frames, err := build(p)
	if err != nil {
		return nil, err
	}
	e.alt.CompareAndSwap(nil, &altForm{key: key, frames: frames})
	return frames, nil
}

// decode returns the packet of an Encoded not made by Encode.
func (e *Encoded) decode() (*protocol.Packet, error) {
	d := protocol.NewDecoder(protocol.Limits{})
	p, done, err := d.DecodeText(e.Text)
	for _, a := range e.Attachments {
		if err != nil || done {
			break
		}
		p, done, err = d.DecodeBinary(a)
	}
	if err == nil && !done {
		err = protocol.ErrInvalidPacket
	}
	return p, err
}
