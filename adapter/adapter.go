package adapter

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/socketeer/socketeer/protocol"
)

// Adapter holds the rooms of one namespace and fans packets out to its
// sockets. One Adapter serves one namespace; a Factory makes one per
// namespace. Every method is safe for concurrent use.
//
// A single-node adapter (Memory) answers from its own tables. A multi-node
// adapter (such as adapter/redis) keeps the same local tables and also
// forwards each operation to the other nodes, unless Options.Local is set.
type Adapter interface {
	// Join adds the local socket id to rooms. When a socket connects, the
	// namespace calls Join(id, id): its own room, which Memory does not
	// store but an adapter that subscribes per room may want to hear of.
	Join(id string, rooms ...string)
	// Leave removes the local socket id from room.
	Leave(id, room string)
	// LeaveAll removes the local socket id from every room; it is called
	// when the socket disconnects.
	LeaveAll(id string)
	// Rooms returns the rooms of the local socket id, its own room first.
	Rooms(id string) []string

	// Broadcast sends p to every socket that Options select.
	Broadcast(p *protocol.Packet, o Options) error
	// BroadcastWithAck sends p (whose ID is set) and reports to c how many
	// sockets received it and each acknowledgement. It returns how many
	// Count calls c will get in all: one per node that takes part.
	BroadcastWithAck(p *protocol.Packet, o Options, c AckCollector) (nodes int, err error)

	// FetchSockets describes the sockets that Options select, on every
	// node, until ctx ends.
	FetchSockets(ctx context.Context, o Options) ([]SocketInfo, error)
	// AddSockets makes the selected sockets join rooms.
	AddSockets(o Options, rooms []string) error
	// DelSockets makes the selected sockets leave rooms.
	DelSockets(o Options, rooms []string) error
	// DisconnectSockets disconnects the selected sockets; with closeConn
	// their underlying connection is closed too.
	DisconnectSockets(o Options, closeConn bool) error
	// ServerSideEmit sends an event to the same namespace on every other
	// node, where Local.ServerSideEvent receives it.
	ServerSideEmit(event string, args []json.RawMessage) error

	// Close releases the adapter's resources.
	Close() error
}

// Factory makes the adapter of one namespace.
type Factory func(local Local) (Adapter, error)

// Options selects sockets: those in any of Rooms (every socket when Rooms
// is empty), minus those in any of Except, each socket once. A socket id is
// also a room, holding that socket and any socket that joined a room of
// that name.
type Options struct {
	Rooms  []string
	Except []string
	// Local keeps the operation on this node.
	Local bool
	// Volatile lets a socket that cannot take the packet now drop it.
	Volatile bool
}

// Local is the namespace on this node as its adapter sees it.
type Local interface {
	// Name is the namespace name, such as "/chat".
	Name() string
	// Socket returns the local socket with id, or nil.
	Socket(id string) Socket
	// Each calls fn for every local socket of the namespace.
	Each(fn func(Socket))
	// ServerSideEvent receives an event sent with ServerSideEmit by
	// another node.
	ServerSideEvent(event string, args []json.RawMessage)
	// Logf is the app's log sink (app.Options.Logf), for errors no caller
	// sees, such as a failed publish.
	Logf(format string, args ...any)
}

// Socket is one local socket as the adapter sees it.
type Socket interface {
	// ID is the socket id.
	ID() string
	// Deliver queues an encoded packet to the socket. A volatile packet is
	// dropped when the socket cannot take it now.
	Deliver(e *Encoded, volatile bool)
	// ExpectAck registers fn for the ack with id, before Deliver sends it.
	// A socket that disconnected registers nothing, and fn is never called.
	ExpectAck(id int64, fn func(args []json.RawMessage))
	// Disconnect disconnects the socket; closeConn also closes its
	// connection with every other namespace on it.
	Disconnect(closeConn bool)
	// Info describes the socket for FetchSockets.
	Info() SocketInfo
}

// SocketInfo describes a socket, local or on another node.
type SocketInfo struct {
	ID        string         `json:"id"`
	Rooms     []string       `json:"rooms"`
	Data      map[string]any `json:"data,omitempty"`
	Handshake Handshake      `json:"handshake"`
}

// Handshake is what a socket's client sent when it connected. It is the
// one handshake type: namespace.Socket.Handshake returns it, and
// FetchSockets reports it for sockets on any node.
type Handshake struct {
	// Header holds the headers of the Engine.IO handshake request.
	Header http.Header `json:"headers"`
	// Query holds the query parameters of the handshake request.
	Query url.Values `json:"query"`
	// Auth is the auth payload of the namespace CONNECT packet ({} when none).
	Auth json.RawMessage `json:"auth"`
	// Address is the client's remote address (host:port).
	Address string `json:"address"`
	// URL is the handshake request's URL.
	URL string `json:"url"`
	// Time is when the socket connected.
	Time time.Time `json:"time"`
	// Secure reports whether the connection used TLS.
	Secure bool `json:"secure"`
}

// AckCollector receives the outcome of BroadcastWithAck.
type AckCollector interface {
	// Count reports how many sockets of one node got the packet.
	Count(n int)
	// Ack reports one socket's acknowledgement args.
	Ack(args []json.RawMessage)
}

// ServerSideAcker is implemented by multi-node adapters that can send a
// server-side event asking for acknowledgements, as Node's
// io.serverSideEmit(event, ...args, callback) does.
type ServerSideAcker interface {
	// ServerSideEmitWithAck sends an event to the same namespace on every
	// other node and returns one answer per node (the args its handler
	// acknowledged with), in arrival order. When ctx ends or the adapter's
	// request timeout passes before every node answered, it returns the
	// answers that came with an error wrapping errors.ErrAdapter (the
	// Redis adapters wrap their ErrTimeout).
	ServerSideEmitWithAck(ctx context.Context, event string, args []json.RawMessage) ([][]json.RawMessage, error)
}

// LocalAcker is implemented by a Local that can answer server-side events
// sent with ServerSideEmitWithAck.
type LocalAcker interface {
	// ServerSideEventWithAck receives an event sent by another node with
	// ServerSideEmitWithAck; ack must be called once with the answer.
	ServerSideEventWithAck(event string, args []json.RawMessage, ack func(args []json.RawMessage))
}
