package eioclient

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// Type is an Engine.IO packet type (protocol.md 1.2).
type Type byte

// The Engine.IO v4 packet types.
const (
	Open    Type = 0
	Close   Type = 1
	Ping    Type = 2
	Pong    Type = 3
	Message Type = 4
	Upgrade Type = 5
	Noop    Type = 6
)

// separator joins the packets of a polling payload.
const separator = '\x1e'

// Packet is one Engine.IO packet. Binary packets are always messages.
type Packet struct {
	Type   Type
	Data   []byte
	Binary bool
}

// appendText appends the text form of p, as a websocket text frame or a
// polling payload element carries it: the type digit and the data, or for
// a binary message the letter b and standard base64.
func appendText(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, '0'+byte(p.Type))
	return append(dst, p.Data...)
}

// decodeText decodes one text packet: a websocket text frame or one
// element of a polling payload (where "b" marks base64 binary).
func decodeText(b []byte, polling bool) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, fmt.Errorf("%w: empty packet", ErrParse)
	}
	if polling && b[0] == 'b' {
		data, err := base64.StdEncoding.AppendDecode(nil, b[1:])
		if err != nil {
			return Packet{}, fmt.Errorf("%w: bad base64 binary packet: %v", ErrParse, err)
		}
		return Packet{Type: Message, Data: data, Binary: true}, nil
	}
	if b[0] < '0' || b[0] > '6' {
		return Packet{}, fmt.Errorf("%w: unknown packet type %q", ErrParse, b[0])
	}
	return Packet{Type: Type(b[0] - '0'), Data: bytes.Clone(b[1:])}, nil
}

// encodePayload joins packets into a polling payload.
func encodePayload(packets []Packet) []byte {
	var buf []byte
	for i, p := range packets {
		if i > 0 {
			buf = append(buf, separator)
		}
		buf = appendText(buf, p)
	}
	return buf
}

// decodePayload splits a polling payload into packets.
func decodePayload(body []byte) ([]Packet, error) {
	var out []Packet
	for part := range bytes.SplitSeq(body, []byte{separator}) {
		p, err := decodeText(part, true)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// size is the length of p in a polling payload, separator included.
func size(p Packet) int {
	if p.Binary {
		return 2 + base64.StdEncoding.EncodedLen(len(p.Data))
	}
	return 2 + len(p.Data)
}
