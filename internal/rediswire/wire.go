package rediswire

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/socketeer/socketeer/protocol"
)

// DefaultKey is the default channel prefix, as in Node.
const DefaultKey = "socket.io"

// EmitterUID is the uid that Node's emitter puts in its broadcasts.
const EmitterUID = "emitter"

// EventType is the Socket.IO EVENT packet type that broadcasts carry. Node
// sends binary args in an EVENT too: its encoder picks BINARY_EVENT when it
// finds a Buffer.
const EventType = 2

// RequestType is the type of a message on the request and response
// channels: Node's RequestType enum.
type RequestType int

// Request types, numbered as in Node.
const (
	Sockets              RequestType = iota // ids of the selected sockets
	AllRooms                                // every room of every node
	RemoteJoin                              // selected sockets join rooms
	RemoteLeave                             // selected sockets leave rooms
	RemoteDisconnect                        // selected sockets disconnect
	RemoteFetch                             // describe the selected sockets
	ServerSideEmit                          // event between servers
	Broadcast                               // broadcast with acknowledgements
	BroadcastClientCount                    // how many clients one node reached
	BroadcastAck                            // one client's acknowledgement
)

// BroadcastChannel returns the channel of broadcasts to the namespace nsp.
func BroadcastChannel(key, nsp string) string { return key + "#" + nsp + "#" }

// RoomChannel returns the channel of broadcasts to exactly one room.
func RoomChannel(key, nsp, room string) string { return BroadcastChannel(key, nsp) + room + "#" }

// RequestChannel returns the channel of requests between nodes.
func RequestChannel(key, nsp string) string { return key + "-request#" + nsp + "#" }

// ResponseChannel returns the channel of responses between nodes.
func ResponseChannel(key, nsp string) string { return key + "-response#" + nsp + "#" }

// ChannelFor returns the channel a broadcast to rooms is published on: the
// room's own channel when there is exactly one room, else the namespace's.
func ChannelFor(key, nsp string, rooms []string) string {
	if len(rooms) == 1 {
		return RoomChannel(key, nsp, rooms[0])
	}
	return BroadcastChannel(key, nsp)
}

// Packet is a Socket.IO packet as the broadcast messages carry it.
type Packet struct {
	Type int    `msgpack:"type" json:"type"`
	Data []any  `msgpack:"data" json:"data"`
	Nsp  string `msgpack:"nsp" json:"nsp"`
}

// Options select sockets: Node's BroadcastOptions, with sets as arrays.
// Fields are in the emitter's order, so that its messages are identical
// byte for byte.
type Options struct {
	Rooms  []string       `msgpack:"rooms" json:"rooms"`
	Flags  map[string]any `msgpack:"flags" json:"flags,omitempty"`
	Except []string       `msgpack:"except" json:"except"`
}

// NewOptions returns Options with empty (not nil) arrays, as Node sends
// them. volatile sets flags.volatile.
func NewOptions(rooms, except []string, volatile bool) Options {
	o := Options{Rooms: nonNil(rooms), Except: nonNil(except), Flags: map[string]any{}}
	if volatile {
		o.Flags["volatile"] = true
	}
	return o
}

// Volatile reports whether flags.volatile is set.
func (o Options) Volatile() bool { v, _ := o.Flags["volatile"].(bool); return v }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Request is a message on the request channel, and the JSON or msgpack
// fields of every request type. Unused fields are omitted.
type Request struct {
	UID       string      `msgpack:"uid,omitempty" json:"uid,omitempty"`
	RequestID string      `msgpack:"requestId,omitempty" json:"requestId,omitempty"`
	Type      RequestType `msgpack:"type" json:"type"`
	Opts      *Options    `msgpack:"opts,omitempty" json:"opts,omitempty"`
	Rooms     []string    `msgpack:"rooms,omitempty" json:"rooms,omitempty"`
	Close     *bool       `msgpack:"close,omitempty" json:"close,omitempty"`
	// Data is [event, ...args] of a SERVER_SIDE_EMIT.
	Data any `msgpack:"data,omitempty" json:"data,omitempty"`
	// Packet is the packet of a BROADCAST (always msgpack).
	Packet *Packet `msgpack:"packet,omitempty" json:"packet,omitempty"`
	// SID and Room are the single-socket form of REMOTE_JOIN, REMOTE_LEAVE
	// and REMOTE_DISCONNECT that old Node adapters sent.
	SID  string `msgpack:"sid,omitempty" json:"sid,omitempty"`
	Room string `msgpack:"room,omitempty" json:"room,omitempty"`
}

// Response is a message on a response channel.
type Response struct {
	Type        RequestType       `msgpack:"type,omitempty" json:"type,omitempty"`
	RequestID   string            `msgpack:"requestId" json:"requestId"`
	Sockets     []json.RawMessage `msgpack:"-" json:"sockets,omitempty"`
	Rooms       []string          `msgpack:"-" json:"rooms,omitempty"`
	ClientCount *int              `msgpack:"clientCount,omitempty" json:"clientCount,omitempty"`
	// Packet is the first ack arg of a BROADCAST_ACK (msgpack).
	Packet any `msgpack:"packet" json:"-"`
	// Data is the ack arg of a SERVER_SIDE_EMIT response.
	Data json.RawMessage `msgpack:"-" json:"data,omitempty"`
}

// EncodeBroadcast returns the msgpack message [uid, packet, opts].
func EncodeBroadcast(uid string, p Packet, o Options) ([]byte, error) {
	var buf bytes.Buffer
	enc := newEncoder(&buf)
	if err := enc.EncodeArrayLen(3); err != nil {
		return nil, err
	}
	if err := enc.EncodeString(uid); err != nil {
		return nil, err
	}
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeBroadcast decodes a message published on a broadcast channel.
func DecodeBroadcast(msg []byte) (uid string, p Packet, o Options, err error) {
	dec := newDecoder(msg)
	n, err := dec.DecodeArrayLen()
	if err != nil {
		return "", p, o, err
	}
	if n < 2 {
		return "", p, o, fmt.Errorf("wire: broadcast message has %d elements, want 3", n)
	}
	if uid, err = decodeLooseString(dec); err != nil {
		return "", p, o, err
	}
	if err = dec.Decode(&p); err != nil {
		return uid, p, o, err
	}
	if n > 2 {
		err = dec.Decode(&o)
	}
	if p.Nsp == "" {
		p.Nsp = "/"
	}
	return uid, p, o, err
}

// decodeLooseString decodes a string or nil.
func decodeLooseString(dec *msgpack.Decoder) (string, error) {
	v, err := dec.DecodeInterface()
	if err != nil {
		return "", err
	}
	s, _ := v.(string)
	return s, nil
}

func newDecoder(msg []byte) *msgpack.Decoder {
	// Not loose: that mode decodes bin values (Buffers) as strings.
	return msgpack.NewDecoder(bytes.NewReader(msg))
}

// Unmarshal decodes a request or response in either form: JSON when it
// starts with '{', msgpack otherwise, as Node decides.
func Unmarshal(msg []byte, v any) error {
	if len(msg) > 0 && msg[0] == '{' {
		return json.Unmarshal(msg, v)
	}
	return newDecoder(msg).Decode(v)
}

// MarshalMsgpack encodes v as msgpack.
func MarshalMsgpack(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := newEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newEncoder returns an encoder that writes integers in their shortest
// form, as Node's notepack.io does (floats stay float64, as there).
func newEncoder(w io.Writer) *msgpack.Encoder {
	enc := msgpack.NewEncoder(w)
	enc.UseCompactInts(true)
	return enc
}

// FromPayload converts a Socket.IO payload (a JSON array whose binary
// values are placeholders for attachments) into the values msgpack carries:
// attachments become []byte (msgpack bin), integral numbers int64.
func FromPayload(data json.RawMessage, attachments [][]byte) ([]any, error) {
	var v any
	var err error
	if len(attachments) > 0 {
		v, err = protocol.Reconstruct(data, attachments)
	} else {
		err = json.Unmarshal(data, &v)
	}
	if err != nil {
		return nil, err
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, errors.New("wire: payload is not a JSON array")
	}
	for i := range arr {
		arr[i] = normalize(arr[i])
	}
	return arr, nil
}

// FromJSON decodes one JSON value into the value msgpack carries.
func FromJSON(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

// FirstArg returns the first of args as the value msgpack carries, nil
// when there is none: what Node keeps of an acknowledgement, which it
// passes on with one argument. A malformed arg gives nil with the error.
func FirstArg(args []json.RawMessage) (any, error) {
	if len(args) == 0 {
		return nil, nil
	}
	return FromJSON(args[0])
}

// maxExact is the largest integer a float64 (a JS number) holds exactly.
const maxExact = 1 << 53

// normalize turns integral float64 values into int64, in place, so that
// msgpack encodes them as integers as Node does.
func normalize(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < maxExact {
			return int64(v)
		}
	case []any:
		for i := range v {
			v[i] = normalize(v[i])
		}
	case map[string]any:
		for k, e := range v {
			v[k] = normalize(e)
		}
	}
	return v
}

// ToPayload converts the data of a packet received from Redis into a
// Socket.IO payload and its attachments: every msgpack bin value (a Node
// Buffer) becomes an attachment.
func ToPayload(data []any) (json.RawMessage, [][]byte, error) {
	return protocol.AppendArgs(nil, data)
}

// ToPacket builds the Socket.IO packet of data for namespace nsp with ack
// id (protocol.NoID for none): an Event, or a BinaryEvent when data holds
// binary values.
func ToPacket(nsp string, id int64, data []any) (*protocol.Packet, error) {
	if len(data) == 0 {
		return nil, errors.New("wire: packet without data")
	}
	if _, ok := data[0].(string); !ok {
		return nil, fmt.Errorf("wire: event name is %T, not a string", data[0])
	}
	payload, att, err := ToPayload(data)
	if err != nil {
		return nil, err
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: nsp, ID: id, Data: payload, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	return p, nil
}

// ToJSON encodes a value decoded from msgpack as JSON, binary values as
// base64 strings, without HTML escaping.
func ToJSON(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// idChars are the characters of Node's uid2 ids.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns a random id of n characters, like Node's uid2(n), used as
// node uid and request id.
func NewID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}
