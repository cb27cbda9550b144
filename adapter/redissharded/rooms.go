package redissharded

import (
	"encoding/json"

	"github.com/socketeer/socketeer/adapter"
)

// roomHooks is the namespace's Local as the core's adapter.Memory sees it
// in the dynamic modes: it hears of rooms created and deleted (Node's
// "create-room" and "delete-room") to subscribe and unsubscribe their
// channels, and passes everything else to the namespace's Local.
type roomHooks struct {
	adapter.Local
	t *transport
}

// roomHooksAcker is roomHooks for a Local that answers server-side emits
// with acknowledgements.
type roomHooksAcker struct {
	*roomHooks
	acker adapter.LocalAcker
}

// withRoomHooks wraps local, keeping what it implements of
// adapter.LocalAcker.
func withRoomHooks(local adapter.Local, t *transport) adapter.Local {
	h := &roomHooks{Local: local, t: t}
	if a, ok := local.(adapter.LocalAcker); ok {
		return &roomHooksAcker{roomHooks: h, acker: a}
	}
	return h
}

// RoomCreated subscribes to the room's channel, unless in Dynamic mode
// the room is a local socket's own (Node's private rooms).
func (h *roomHooks) RoomCreated(room string) {
	if h.t.opts.SubscriptionMode == Dynamic && h.Local.Socket(room) != nil {
		return
	}
	h.t.sub.add(h.t.roomChannel(room))
}

// RoomDeleted unsubscribes from the room's channel.
func (h *roomHooks) RoomDeleted(room string) {
	h.t.sub.remove(h.t.roomChannel(room))
}

// RoomJoined passes the join to the namespace's observers.
func (h *roomHooks) RoomJoined(room, id string) {
	if w, ok := h.Local.(interface{ RoomJoined(room, id string) }); ok {
		w.RoomJoined(room, id)
	}
}

// RoomLeft passes the leave to the namespace's observers.
func (h *roomHooks) RoomLeft(room, id string) {
	if w, ok := h.Local.(interface{ RoomLeft(room, id string) }); ok {
		w.RoomLeft(room, id)
	}
}

// ServerSideEventWithAck passes the event to the namespace.
func (h *roomHooksAcker) ServerSideEventWithAck(event string, args []json.RawMessage, ack func(args []json.RawMessage)) {
	h.acker.ServerSideEventWithAck(event, args, ack)
}
