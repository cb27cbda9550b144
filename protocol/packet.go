package protocol

import (
	"encoding/json"
	"strconv"

	"github.com/socketeer/socketeer/errors"
)

// PacketType is the Socket.IO packet type digit.
type PacketType byte

// The Socket.IO v5 packet types (protocol.md 2.1).
const (
	// Connect asks to join a namespace (client) or accepts the join (server).
	Connect PacketType = 0
	// Disconnect leaves a namespace. It carries no payload.
	Disconnect PacketType = 1
	// Event carries ["name", args...].
	Event PacketType = 2
	// Ack carries the reply args of an event that had an ack id.
	Ack PacketType = 3
	// ConnectError refuses a namespace join (server to client only).
	ConnectError PacketType = 4
	// BinaryEvent is an Event whose args hold binary attachments.
	BinaryEvent PacketType = 5
	// BinaryAck is an Ack whose args hold binary attachments.
	BinaryAck PacketType = 6
)

var typeNames = [...]string{
	Connect:      "CONNECT",
	Disconnect:   "DISCONNECT",
	Event:        "EVENT",
	Ack:          "ACK",
	ConnectError: "CONNECT_ERROR",
	BinaryEvent:  "BINARY_EVENT",
	BinaryAck:    "BINARY_ACK",
}

// String returns the protocol name of t, such as "EVENT", or
// "PacketType(9)" for a value outside the protocol.
func (t PacketType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "PacketType(" + strconv.Itoa(int(t)) + ")"
}

// binary reports whether packets of type t carry an attachment count.
func (t PacketType) binary() bool {
	return t == BinaryEvent || t == BinaryAck
}

// NoID marks a packet without an ack id.
const NoID int64 = -1

// Packet is one Socket.IO packet.
type Packet struct {
	// Type is the packet type.
	Type PacketType
	// Namespace is the namespace name, "/" when absent on the wire.
	// AppendPacket also treats "" as "/".
	Namespace string
	// ID is the ack id, NoID when absent. 0 is a valid id.
	ID int64
	// Data is the raw JSON payload, nil when absent. For binary packets it
	// still holds the placeholders; see InlineAttachments and Reconstruct.
	Data json.RawMessage
	// Attachments are the binary attachments of a BinaryEvent or BinaryAck,
	// in placeholder order.
	Attachments [][]byte
}

// ErrInvalidPacket is the sentinel wrapped by every decode error; test
// for it with errors.Is. The wrapping error says what is wrong. It is
// errors.ErrInvalidPacket.
var ErrInvalidPacket = errors.ErrInvalidPacket

// ReservedEvent reports whether name is a reserved event name (protocol.md
// 2.9): connect, connect_error, disconnect, disconnecting, newListener or
// removeListener. Clients may not send them and servers may not emit them.
func ReservedEvent(name string) bool {
	for _, r := range reservedEvents {
		if name == r {
			return true
		}
	}
	return false
}

var reservedEvents = [...]string{
	"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
}

// Limits bounds what a Decoder accepts. Zero (or negative) values mean
// the defaults.
type Limits struct {
	// MaxAttachments is the largest attachment count of a binary packet.
	// The default is 10, as in the Node reference; values above 1<<24
	// count as 1<<24.
	MaxAttachments int
	// MaxAttachmentBytes bounds the bytes of one packet's attachments
	// together, held while they arrive (default 2,000,000: the engine's
	// default MaxInboundBytes). With the engine's bound it caps what one
	// connection's input can hold.
	MaxAttachmentBytes int
	// MaxNamespaceLen is the longest namespace name, in bytes, after a
	// "?query" suffix is stripped. The default is 256.
	MaxNamespaceLen int
}

// maxAttachmentsCap keeps the attachment count parser clear of overflow.
const maxAttachmentsCap = 1 << 24

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = 10
	}
	l.MaxAttachments = min(l.MaxAttachments, maxAttachmentsCap)
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = 2_000_000
	}
	if l.MaxNamespaceLen <= 0 {
		l.MaxNamespaceLen = 256
	}
	return l
}
