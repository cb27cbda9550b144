package clusteradapter

import (
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// OnMessage applies a message another node sent: to the local sockets, or
// to a request of this node when it is a response. offset is where the
// transport keeps the message ("" for none); it is appended to the args
// of a broadcast delivered to local sockets. Messages of this node or of
// another namespace are ignored, and so are heartbeats and malformed
// messages (logged).
func (a *Adapter) OnMessage(m *Message, offset string) {
	if m.UID == a.uid || m.Nsp != a.local.Name() {
		return
	}
	switch m.Type {
	case InitialHeartbeat, Heartbeat, AdapterClose:
		return
	}
	if m.Data == nil || (needsOpts(m.Type) && m.Data.Opts == nil) {
		a.Logf("message of type %d from %s without its data", m.Type, m.UID)
		return
	}
	switch m.Type {
	case Broadcast:
		a.onBroadcast(m, offset)
	case SocketsJoin:
		a.Memory.AddSockets(localOptions(m.Data.Opts), m.Data.Rooms)
	case SocketsLeave:
		a.Memory.DelSockets(localOptions(m.Data.Opts), m.Data.Rooms)
	case DisconnectSockets:
		a.Memory.DisconnectSockets(localOptions(m.Data.Opts), m.Data.Close != nil && *m.Data.Close)
	case FetchSockets:
		a.answerFetch(m)
	case ServerSideEmit:
		a.onServerSideEmit(m)
	case BroadcastClientCount, BroadcastAck:
		a.onAckResponse(m)
	case FetchSocketsResponse, ServerSideEmitResponse:
		a.onRequestResponse(m)
	default:
		a.Logf("unknown message type %d from %s", m.Type, m.UID)
	}
}

// needsOpts reports whether messages of type t carry opts.
func needsOpts(t MessageType) bool {
	switch t {
	case Broadcast, SocketsJoin, SocketsLeave, DisconnectSockets, FetchSockets:
		return true
	}
	return false
}

// onBroadcast delivers a BROADCAST to the selected local sockets, or
// makes the broadcast with acks it asks for.
func (a *Adapter) onBroadcast(m *Message, offset string) {
	pk, err := PacketOf(m.Data.Packet)
	if err != nil {
		a.Logf("broadcast from %s: %v", m.UID, err)
		return
	}
	if m.Data.RequestID != "" {
		a.onBroadcastRequest(m, pk)
		return
	}
	p, err := rediswire.ToPacket(a.local.Name(), protocol.NoID, pk.Data)
	if err != nil {
		a.Logf("broadcast from %s: %v", m.UID, err)
		return
	}
	a.Deliver(p, localOptions(m.Data.Opts), offset)
}
