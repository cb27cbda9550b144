package engine

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// PacketType is the one-digit type of an Engine.IO packet.
type PacketType byte

// The Engine.IO v4 packet types, as they appear on the wire.
const (
	Open    PacketType = '0'
	Close   PacketType = '1'
	Ping    PacketType = '2'
	Pong    PacketType = '3'
	Message PacketType = '4'
	Upgrade PacketType = '5'
	Noop    PacketType = '6'
)

// payloadSeparator separates packets in a long-polling payload.
const payloadSeparator = 0x1e

// Packet is one decoded Engine.IO packet. Data aliases the buffer it was
// decoded from unless stated otherwise.
type Packet struct {
	Data   []byte
	Type   PacketType
	Binary bool // a binary message: Data holds the raw bytes
}

// DecodePacket decodes one text packet (a websocket text frame or one
// element of a polling payload). A polling element starting with 'b' is a
// base64 binary message; its Data is freshly allocated.
func DecodePacket(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, fmt.Errorf("%w: empty packet", ErrParse)
	}
	if b[0] == 'b' {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return Packet{}, fmt.Errorf("%w: bad base64 binary packet: %v", ErrParse, err)
		}
		return Packet{Type: Message, Data: data[:n], Binary: true}, nil
	}
	t := PacketType(b[0])
	if t < Open || t > Noop {
		return Packet{}, fmt.Errorf("%w: unknown packet type %q", ErrParse, b[0])
	}
	return Packet{Type: t, Data: b[1:]}, nil
}

// DecodePayload splits a polling payload on the record separator and
// decodes each packet, calling fn for each in order. It stops at the first
// invalid packet or the first error returned by fn.
func DecodePayload(body []byte, fn func(Packet) error) error {
	for len(body) > 0 {
		end := bytes.IndexByte(body, payloadSeparator)
		var one []byte
		if end < 0 {
			one, body = body, nil
		} else {
			one, body = body[:end], body[end+1:]
		}
		p, err := DecodePacket(one)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// AppendPacket appends the polling (text) form of p to dst: the type digit
// and data, or 'b' and the base64 of a binary message.
func AppendPacket(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, byte(p.Type))
	return append(dst, p.Data...)
}

// AppendPayload appends the polling payload of packets to dst.
func AppendPayload(dst []byte, packets []Packet) []byte {
	for i, p := range packets {
		if i > 0 {
			dst = append(dst, payloadSeparator)
		}
		dst = AppendPacket(dst, p)
	}
	return dst
}

// encodedLen is the number of bytes p takes in a queue, used to bound
// the memory of a session's outgoing queue.
func (p Packet) encodedLen() int { return len(p.Data) + 1 }
