package client

import (
	"fmt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/protocol"
)

// Parser selects the wire form of a Manager's packets (Options.Parser):
// it must be the server's.
type Parser uint8

const (
	// ParserJSON is socket.io-parser's form, the default.
	ParserJSON Parser = iota
	// ParserMsgpack is socket.io-msgpack-parser's form: every packet, in
	// both directions, is one binary message holding one MessagePack map.
	ParserMsgpack
)

// newParser returns the parser p names; an unknown value panics, as in
// app.New.
func newParser(p Parser) parser {
	switch p {
	case ParserJSON:
		return jsonParser{}
	case ParserMsgpack:
		return msgpackParser{}
	}
	panic(fmt.Sprintf("socketeer: client.Options.Parser: unknown parser %d", p))
}

// parser is the wire form of Socket.IO packets, socket.io-client's parser
// option. Every packet the client handles is in the JSON parser's form, a
// *protocol.Packet whose Data is JSON text with binary values as
// placeholders into Attachments; a parser only turns it into the
// Engine.IO messages that carry it, and back. Sockets encode through
// Manager.parser and each connection decodes with its own decoder, so the
// rest of the client, the handlers and their typed decoding never learn
// which parser a connection speaks.
//
// jsonParser (socket.io-parser) is the default; msgpackParser
// (socket.io-msgpack-parser) is selected by Options.Parser, as
// app.Options.Parser selects it on the server.
type parser interface {
	// encode returns the messages that carry p.
	encode(p *protocol.Packet) ([]eioclient.Packet, error)
	// newDecoder returns the decoder of one connection, used by its
	// reader goroutine only.
	newDecoder() packetDecoder
}

// packetDecoder decodes the messages of one connection into packets.
type packetDecoder interface {
	// decode takes one Engine.IO message; done is false while a packet
	// waits for more messages (binary attachments).
	decode(data []byte, binary bool) (p *protocol.Packet, done bool, err error)
}

// jsonParser is socket.io-parser's form: a text message per packet, and a
// binary message per attachment after it.
type jsonParser struct{}

var _ parser = jsonParser{}

func (jsonParser) encode(p *protocol.Packet) ([]eioclient.Packet, error) {
	out := make([]eioclient.Packet, 0, 1+len(p.Attachments))
	out = append(out, eioclient.Packet{Type: eioclient.Message, Data: protocol.AppendPacket(nil, p)})
	for _, a := range p.Attachments {
		out = append(out, eioclient.Packet{Type: eioclient.Message, Data: a, Binary: true})
	}
	return out, nil
}

func (jsonParser) newDecoder() packetDecoder {
	return jsonDecoder{protocol.NewDecoder(protocol.Limits{})}
}

type jsonDecoder struct{ d *protocol.Decoder }

func (j jsonDecoder) decode(data []byte, binary bool) (*protocol.Packet, bool, error) {
	if binary {
		return j.d.DecodeBinary(data)
	}
	return j.d.DecodeText(data)
}

// msgpackParser is socket.io-msgpack-parser's form: one binary message
// per packet, binary values inline.
type msgpackParser struct{}

var _ parser = msgpackParser{}

func (msgpackParser) encode(p *protocol.Packet) ([]eioclient.Packet, error) {
	b, err := msgpack.AppendPacket(nil, p)
	if err != nil {
		return nil, fmt.Errorf("%w: msgpack: %w", errors.ErrEncode, err)
	}
	return []eioclient.Packet{{Type: eioclient.Message, Data: b, Binary: true}}, nil
}

func (msgpackParser) newDecoder() packetDecoder {
	return msgpackDecoder{msgpack.NewDecoder(msgpack.Limits{})}
}

type msgpackDecoder struct{ d *msgpack.Decoder }

func (m msgpackDecoder) decode(data []byte, binary bool) (*protocol.Packet, bool, error) {
	if !binary {
		return nil, false, fmt.Errorf("%w: text message on a msgpack connection", errors.ErrInvalidPacket)
	}
	p, err := m.d.Decode(data)
	return p, err == nil, err
}
