package trace

import (
	"strconv"

	"github.com/rs/zerolog"
)

// Direction tells whether a packet was received or sent.
type Direction uint8

// The directions of a packet.
const (
	In  Direction = iota // received from the client
	Out                  // sent to the client
)

// String returns "in" or "out".
func (d Direction) String() string {
	switch d {
	case In:
		return "in"
	case Out:
		return "out"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// Packet describes one Socket.IO packet for [Tracer.Packet]. The caller
// fills it in; the tracer only reads it and keeps nothing.
type Packet struct {
	// Dir is In for a received packet, Out for a sent one.
	Dir Direction
	// SocketID is the Socket.IO socket id; empty for a broadcast.
	SocketID string
	// EngineID is the Engine.IO session id; may be empty.
	EngineID string
	// Namespace is the packet's namespace, like "/" or "/chat".
	Namespace string
	// Kind is the packet type: "CONNECT", "DISCONNECT", "EVENT", "ACK",
	// "CONNECT_ERROR", "BINARY_EVENT" or "BINARY_ACK".
	Kind string
	// Event is the event name of an EVENT or BINARY_EVENT; empty otherwise.
	Event string
	// AckID is the acknowledgement id, or -1 when the packet has none.
	// Set it to -1 explicitly: 0 is a valid id.
	AckID int64
	// Args is the raw JSON of the arguments. The tracer cuts it to
	// MaxArgBytes, so pass it whole.
	Args []byte
	// Attachments is the number of binary attachments.
	Attachments int
	// Recipients is the number of sockets a broadcast went to; 0 otherwise.
	Recipients int
}

// Packet traces the packet p. It does nothing if t or p is nil.
func (t *Tracer) Packet(p *Packet) {
	if t != nil && p != nil { // small enough to inline: free when tracing is off
		t.packet(p)
	}
}

// packet traces p for Packet.
func (t *Tracer) packet(p *Packet) {
	e := t.event(zerolog.DebugLevel).Str("dir", p.Dir.String())
	optStr(e, "sid", p.SocketID)
	optStr(e, "eio", p.EngineID)
	e.Str("nsp", p.Namespace).Str("type", p.Kind)
	optStr(e, "event", p.Event)
	if p.AckID >= 0 {
		e.Int64("ack", p.AckID)
	}
	switch {
	case len(p.Args) == 0:
	case p.Dir == In && p.Kind == "CONNECT" && !t.logAuth:
		e.Str("args", redacted) // a CONNECT's payload is its auth
	default:
		t.raw(e, "args", p.Args)
	}
	optInt(e, "attachments", p.Attachments)
	optInt(e, "recipients", p.Recipients)
	e.Msg("packet")
}
