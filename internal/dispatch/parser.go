package dispatch

import (
	"fmt"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/protocol"
)

// Parser names the wire form of the Socket.IO packets a Router speaks,
// the parser option of Node's socket.io.
type Parser uint8

const (
	// JSON is socket.io-parser's form, the default: a text message per
	// packet, binary values as placeholders and attachment messages.
	JSON Parser = iota
	// Msgpack is socket.io-msgpack-parser's form: every packet, in both
	// directions, is one binary message holding one MessagePack map.
	Msgpack
)

// msgpackForm names the msgpack frames of an adapter.Encoded.
const msgpackForm = "msgpack"

// mpCodec is the msgpack parser of one connection. A connection with the
// JSON parser has none, and its code paths stay as they were: the
// msgpack parser only ever converts to and from the JSON parser's
// packets, which the rest of the router, the adapters and the handlers
// keep working on.
type mpCodec struct {
	dec  *msgpack.Decoder // OnMessage's, on the session's dispatcher
	peek *msgpack.Decoder // Intercept's, on the session's reader
}

// newCodec returns the msgpack codec of a new connection, nil for JSON.
func newCodec(p Parser, l protocol.Limits) *mpCodec {
	if p != Msgpack {
		return nil
	}
	ml := msgpack.Limits{MaxNamespaceLen: l.MaxNamespaceLen}
	return &mpCodec{dec: msgpack.NewDecoder(ml), peek: msgpack.NewDecoder(ml)}
}

// decode decodes one Engine.IO message: a binary message is one whole
// packet; a text message is a protocol error.
func (m *mpCodec) decode(data []byte, binary bool) (*protocol.Packet, error) {
	if !binary {
		return nil, fmt.Errorf("%w: text message on a msgpack connection", errors.ErrInvalidPacket)
	}
	return m.dec.Decode(data)
}

// ack returns the packet of data when it is a well-formed ACK, for
// Intercept; nil otherwise, leaving the message to OnMessage.
func (m *mpCodec) ack(data []byte, binary bool) *protocol.Packet {
	if !binary || !msgpack.MaybeAck(data) {
		return nil
	}
	p, err := m.peek.Decode(data)
	if err != nil || p.Type != protocol.Ack && p.Type != protocol.BinaryAck {
		return nil
	}
	return p
}

// msgpackFrames encodes p, a packet in the JSON parser's form, as the one
// binary message of the msgpack parser.
func msgpackFrames(p *protocol.Packet) ([]engine.Packet, error) {
	b, err := msgpack.AppendPacket(nil, p)
	if err != nil {
		return nil, fmt.Errorf("%w: msgpack: %w", errors.ErrEncode, err)
	}
	return []engine.Packet{{Type: engine.Message, Data: b, Binary: true}}, nil
}

// Frames returns the Engine.IO messages that carry e on this connection,
// in its parser's form: the msgpack form is built once per Encoded and
// shared by every msgpack recipient of a broadcast.
func (c *client) Frames(e *adapter.Encoded) ([]engine.Packet, error) {
	if c.mp == nil {
		return e.Frames(), nil
	}
	return e.FramesAs(msgpackForm, msgpackFrames)
}

// ownFrames encodes a packet the router itself writes.
func (c *client) ownFrames(p *protocol.Packet) ([]engine.Packet, error) {
	if c.mp == nil {
		return []engine.Packet{{Type: engine.Message, Data: protocol.AppendPacket(nil, p)}}, nil
	}
	return msgpackFrames(p)
}
