package clusteradapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/socketeer/socketeer/internal/rediswire"
)

// MessageType is socket.io-adapter's MessageType.
type MessageType int

// Message types, numbered as in socket.io-adapter 2.5.
const (
	InitialHeartbeat       MessageType = iota + 1 // ClusterAdapterWithHeartbeat only
	Heartbeat                                     // ClusterAdapterWithHeartbeat only
	Broadcast                                     // broadcast, with or without acks
	SocketsJoin                                   // selected sockets join rooms
	SocketsLeave                                  // selected sockets leave rooms
	DisconnectSockets                             // selected sockets disconnect
	FetchSockets                                  // describe the selected sockets
	FetchSocketsResponse                          // one node's sockets
	ServerSideEmit                                // event between servers
	ServerSideEmitResponse                        // one node's ack of a ServerSideEmit
	BroadcastClientCount                          // how many clients one node reached
	BroadcastAck                                  // one client's acknowledgement
	AdapterClose                                  // ClusterAdapterWithHeartbeat only
)

// IsResponse reports whether t is the type of a response to a request.
func (t MessageType) IsResponse() bool {
	switch t {
	case FetchSocketsResponse, ServerSideEmitResponse, BroadcastClientCount, BroadcastAck:
		return true
	}
	return false
}

// MayHoldBinary reports whether a message of type t may carry binary
// values, the types for which Node checks its data for Buffers.
func (t MessageType) MayHoldBinary() bool {
	switch t {
	case Broadcast, FetchSocketsResponse, ServerSideEmit, ServerSideEmitResponse, BroadcastAck:
		return true
	}
	return false
}

// Message is a message between nodes: socket.io-adapter's ClusterMessage
// and ClusterResponse.
type Message struct {
	UID  string      `msgpack:"uid" json:"uid"`
	Nsp  string      `msgpack:"nsp" json:"nsp"`
	Type MessageType `msgpack:"type" json:"type"`
	Data *Data       `msgpack:"data,omitempty" json:"data,omitempty"`
}

// Data is the data of every message type; the fields a type does not use
// are left out.
type Data struct {
	// Packet is the Socket.IO packet of a BROADCAST (a *rediswire.Packet
	// when sent, a map when received), the [event, ...args] array of a
	// SERVER_SIDE_EMIT, or the ack argument of a SERVER_SIDE_EMIT_RESPONSE
	// or BROADCAST_ACK.
	Packet    any                `msgpack:"packet,omitempty" json:"packet,omitempty"`
	RequestID string             `msgpack:"requestId,omitempty" json:"requestId,omitempty"`
	Opts      *rediswire.Options `msgpack:"opts,omitempty" json:"opts,omitempty"`
	Rooms     []string           `msgpack:"rooms,omitempty" json:"rooms,omitempty"`
	Close     *bool              `msgpack:"close,omitempty" json:"close,omitempty"`
	// Sockets are the sockets of a FETCH_SOCKETS_RESPONSE, each a
	// rediswire.Socket as generic values; a pointer so that an empty list
	// is sent, as Node's receiver needs the array.
	Sockets     *[]any `msgpack:"sockets,omitempty" json:"sockets,omitempty"`
	ClientCount *int   `msgpack:"clientCount,omitempty" json:"clientCount,omitempty"`
}

// errMalformed reports a message whose data does not have its type's shape.
var errMalformed = errors.New("clusteradapter: malformed message")

// HasBinary reports whether v holds a []byte anywhere (Node's hasBinary).
func HasBinary(v any) bool {
	switch v := v.(type) {
	case []byte:
		return true
	case *rediswire.Packet:
		return v != nil && HasBinary(v.Data)
	case []any:
		for _, e := range v {
			if HasBinary(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if HasBinary(e) {
				return true
			}
		}
	case *Data:
		return v != nil && (HasBinary(v.Packet) || (v.Sockets != nil && HasBinary(*v.Sockets)))
	}
	return false
}

// PacketOf reads the Socket.IO packet of a received BROADCAST: a map
// {type, data, nsp} decoded from JSON or msgpack, or a *rediswire.Packet.
func PacketOf(v any) (rediswire.Packet, error) {
	switch v := v.(type) {
	case *rediswire.Packet:
		if v != nil {
			return *v, nil
		}
	case map[string]any:
		data, _ := v["data"].([]any)
		nsp, _ := v["nsp"].(string)
		t, ok := Int(v["type"])
		if !ok || data == nil {
			break
		}
		return rediswire.Packet{Type: int(t), Data: data, Nsp: nsp}, nil
	}
	return rediswire.Packet{}, fmt.Errorf("%w: broadcast packet %T", errMalformed, v)
}

// Int reads an integer decoded from JSON (float64) or msgpack (any integer
// width).
func Int(v any) (int64, bool) {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) {
			return int64(v), true
		}
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint64:
		return int64(v), true
	}
	return 0, false
}

// toArgs converts decoded values into JSON args, binary values as base64
// strings (what a Go handler's args hold).
func toArgs(vs []any) ([]json.RawMessage, error) {
	args := make([]json.RawMessage, 0, len(vs))
	for _, v := range vs {
		raw, err := rediswire.ToJSON(v)
		if err != nil {
			return nil, err
		}
		args = append(args, raw)
	}
	return args, nil
}

// fromArgs converts JSON args into the values messages carry.
func fromArgs(args []json.RawMessage) ([]any, error) {
	out := make([]any, 0, len(args))
	for _, raw := range args {
		v, err := rediswire.FromJSON(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// options returns the wire options of rooms and except, flags included
// only when volatile is set.
func options(rooms, except []string, volatile bool) *rediswire.Options {
	o := rediswire.NewOptions(rooms, except, volatile)
	return &o
}
