package nsrt

import (
	"encoding/json"
	"time"

	"github.com/socketeer/socketeer/adapter"

	"github.com/socketeer/socketeer/protocol"
)

// Observer sees what happens on an app's connections: the hooks behind
// package metrics and package admin. Each hook is called on the goroutine
// where the thing happens (a connection's dispatcher, a handler, the
// adapter with its lock held), so an Observer must return quickly and must
// not call back into the adapter. A nil Observer costs one pointer check
// at each hook site.
type Observer interface {
	// SessionOpened and SessionClosed frame an Engine.IO session.
	SessionOpened()
	SessionClosed(reason string)
	// Connected: s joined its namespace (after its connect handler
	// accepted it). Disconnected: s left it, for reason.
	Connected(s *Socket)
	Disconnected(s *Socket, reason string)
	// Upgraded: the connection of s moved from polling to websocket.
	Upgraded(s *Socket)
	// Received: an event packet came in for s.
	Received(s *Socket, event string, args []json.RawMessage)
	// Sent: an event packet went out, to the socket sid, or broadcast
	// when sid is "". data is the packet's data: the event name and args
	// as a JSON array; an observer must copy what it keeps.
	Sent(nsp, sid string, data []byte)
	// Handled: a handler for event (or "connect") returned after d.
	Handled(nsp, event string, d time.Duration, err error)
	// RoomJoined and RoomLeft: the local socket id joined or left room.
	RoomJoined(nsp, room, id string)
	RoomLeft(nsp, room, id string)
	// Bytes: a Socket.IO message of n bytes came in (in) or went out.
	Bytes(in bool, n int)
	// AckTimeout: an acknowledgement awaited in nsp did not come in time.
	AckTimeout(nsp string)
	// Recovery: a client asked to recover its session in nsp; recovered
	// reports whether it was.
	Recovery(nsp string, recovered bool)
	// AdapterError: the adapter of nsp failed: kind is "publish" (a
	// message to the other nodes was lost), "timeout" (a request to
	// them was not answered in time) or "subscribe" (a subscription to
	// Redis was lost and is being restored).
	AdapterError(nsp, kind string)
}

// Observers combines observers into one: nil when there are none.
func Observers(list ...Observer) Observer {
	var out multi
	for _, o := range list {
		if o != nil {
			out = append(out, o)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// multi calls each of its observers in turn.
type multi []Observer

func (m multi) SessionOpened() {
	for _, o := range m {
		o.SessionOpened()
	}
}

func (m multi) SessionClosed(reason string) {
	for _, o := range m {
		o.SessionClosed(reason)
	}
}

func (m multi) Connected(s *Socket) {
	for _, o := range m {
		o.Connected(s)
	}
}

func (m multi) Upgraded(s *Socket) {
	for _, o := range m {
		o.Upgraded(s)
	}
}

func (m multi) Disconnected(s *Socket, reason string) {
	for _, o := range m {
		o.Disconnected(s, reason)
	}
}

func (m multi) Received(s *Socket, event string, args []json.RawMessage) {
	for _, o := range m {
		o.Received(s, event, args)
	}
}

func (m multi) Sent(nsp, sid string, data []byte) {
	for _, o := range m {
		o.Sent(nsp, sid, data)
	}
}

func (m multi) Handled(nsp, event string, d time.Duration, err error) {
	for _, o := range m {
		o.Handled(nsp, event, d, err)
	}
}

func (m multi) RoomJoined(nsp, room, id string) {
	for _, o := range m {
		o.RoomJoined(nsp, room, id)
	}
}

func (m multi) RoomLeft(nsp, room, id string) {
	for _, o := range m {
		o.RoomLeft(nsp, room, id)
	}
}

func (m multi) Bytes(in bool, n int) {
	for _, o := range m {
		o.Bytes(in, n)
	}
}

func (m multi) AckTimeout(nsp string) {
	for _, o := range m {
		o.AckTimeout(nsp)
	}
}

func (m multi) Recovery(nsp string, recovered bool) {
	for _, o := range m {
		o.Recovery(nsp, recovered)
	}
}

func (m multi) AdapterError(nsp, kind string) {
	for _, o := range m {
		o.AdapterError(nsp, kind)
	}
}

// Observer returns the runtime's observer, nil when none watches.
func (rt *Runtime) Observer() Observer { return rt.observer }

// AckTimedOut tells the observer that an ack awaited in the namespace
// timed out.
func (rt *Runtime) AckTimedOut() {
	if o := rt.observer; o != nil {
		o.AckTimeout(rt.name)
	}
}

// Recovered tells the observer the outcome of a session recovery attempt
// in the namespace (connection state recovery feeds it).
func (rt *Runtime) Recovered(ok bool) {
	if o := rt.observer; o != nil {
		o.Recovery(rt.name, ok)
	}
}

// observeOut tells the observer about an outgoing event packet.
func (rt *Runtime) observeOut(p *protocol.Packet, sid string, recipients int) {
	if p.Type != protocol.Event && p.Type != protocol.BinaryEvent {
		return
	}
	if recipients < 0 {
		sid = ""
	}
	rt.observer.Sent(rt.name, sid, p.Data)
}

// Transport names the transport the socket's connection is on now
// ("polling" or "websocket"), "" when the connection does not say.
func (s *Socket) Transport() string {
	if t, ok := s.conn.(interface{ Transport() string }); ok {
		return t.Transport()
	}
	return ""
}

// The adapter reports room changes and its failures through the Local it
// was given, when that Local has these methods.

func (l *localView) RoomJoined(room, id string) {
	if o := l.observer; o != nil {
		o.RoomJoined(l.name, room, id)
	}
}

func (l *localView) RoomLeft(room, id string) {
	if o := l.observer; o != nil {
		o.RoomLeft(l.name, room, id)
	}
}

func (l *localView) AdapterError(kind string) {
	if o := l.observer; o != nil {
		o.AdapterError(l.name, kind)
	}
}

// observeBytes reports the messages of an encoded packet going out.
func observeBytes(o Observer, e *adapter.Encoded) {
	for _, f := range e.Frames() {
		o.Bytes(false, len(f.Data))
	}
}

// Each calls fn for every socket of the namespace on this node.
func (rt *Runtime) Each(fn func(*Socket)) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, s := range rt.sockets {
		fn(s)
	}
}
