package namespace

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/protocol"
)

// Socket is one client's connection to one namespace. Its methods are safe
// for concurrent use from any goroutine: a handler, an HTTP handler, a
// timer.
type Socket nsrt.Socket

func (s *Socket) core() *nsrt.Socket { return (*nsrt.Socket)(s) }

// ID returns the socket id, which is also the name of its own room.
func (s *Socket) ID() string { return s.core().ID() }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return (*Namespace)(nsrt.HandleOf(s.core().Runtime())) }

// Handshake returns what the client sent when it connected.
func (s *Socket) Handshake() Handshake { return s.core().Handshake() }

// EngineID returns the id of the underlying Engine.IO session, shared by
// the client's sockets in every namespace.
func (s *Socket) EngineID() string { return s.core().EngineID() }

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return s.core().Connected() }

// Context returns a context that is canceled when the socket disconnects.
func (s *Socket) Context() context.Context { return s.core().Context() }

// Emit sends an event with args to this socket. Args are encoded as JSON;
// []byte values anywhere in []any or map[string]any args travel as binary
// attachments.
func (s *Socket) Emit(event string, args ...any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	p, err := nsrt.EncodeEvent(s.core().Runtime().Name(), protocol.NoID, event, args)
	if err != nil {
		return err
	}
	return s.core().SendPacket(p)
}

// Send sends data as the "message" event, as the client's send() does.
func (s *Socket) Send(data any) error { return s.Emit("message", data) }

// SendJSON sends v as the "json" event (Flask-SocketIO's send(json=True)).
func (s *Socket) SendJSON(v any) error { return s.Emit("json", v) }

// EmitWithAck sends an event and waits for the client's acknowledgement.
// Without a deadline in ctx it waits for the namespace's ack timeout. It
// returns an error wrapping errors.ErrAckTimeout when no ack came in time
// and errors.ErrSocketClosed when the socket disconnected first.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Reply, error) {
	if protocol.ReservedEvent(event) {
		return Reply{}, fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	c, rt := s.core(), s.core().Runtime()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rt.AckTimeout())
		defer cancel()
	}
	id := rt.NextAckID()
	got := make(chan []json.RawMessage, 1)
	c.ExpectAck(id, func(args []json.RawMessage) { got <- args })
	p, err := nsrt.EncodeEvent(rt.Name(), id, event, args)
	if err == nil {
		err = c.SendPacket(p)
	}
	if err != nil {
		c.DropAck(id)
		return Reply{}, err
	}
	select {
	case args := <-got:
		return Reply{Args: args}, nil
	case <-ctx.Done():
		c.DropAck(id)
		rt.AckTimedOut()
		return Reply{}, fmt.Errorf("%w: event %q: %w", errors.ErrAckTimeout, event, ctx.Err())
	case <-c.Context().Done():
		c.DropAck(id) // the disconnect may not have cleared the acks yet
		return Reply{}, fmt.Errorf("%w: while waiting for the ack of %q", errors.ErrSocketClosed, event)
	}
}

// Disconnect disconnects the socket from its namespace: the client gets a
// DISCONNECT packet and OnDisconnect runs with reason
// "server namespace disconnect". With closeConn the whole connection (every
// namespace on it) is closed.
func (s *Socket) Disconnect(closeConn bool) { s.core().Disconnect(closeConn) }

// Join adds the socket to rooms.
func (s *Socket) Join(rooms ...string) { s.core().Runtime().Adapter().Join(s.ID(), rooms...) }

// Leave removes the socket from room.
func (s *Socket) Leave(room string) { s.core().Runtime().Adapter().Leave(s.ID(), room) }

// LeaveAll removes the socket from every room but its own.
func (s *Socket) LeaveAll() {
	a := s.core().Runtime().Adapter()
	for _, r := range a.Rooms(s.ID()) {
		if r != s.ID() {
			a.Leave(s.ID(), r)
		}
	}
}

// Rooms returns the rooms the socket is in, its own room first.
func (s *Socket) Rooms() []string { return s.core().Runtime().Adapter().Rooms(s.ID()) }

// To returns an operator that broadcasts to rooms, without this socket
// (socket.io's socket.to(room), Flask-SocketIO's include_self=False).
func (s *Socket) To(rooms ...string) Operator {
	return Operator{rt: s.core().Runtime()}.To(rooms...).Except(s.ID())
}

// Broadcast returns an operator that broadcasts to every socket of the
// namespace but this one (socket.io's socket.broadcast).
func (s *Socket) Broadcast() Operator { return Operator{rt: s.core().Runtime()}.Except(s.ID()) }

// Volatile returns an operator that sends to this socket only if it can
// take the packet now.
func (s *Socket) Volatile() Operator {
	return Operator{rt: s.core().Runtime(), volatile: true}.To(s.ID())
}

// Set stores a value in the socket's session, under key. FetchSockets
// reports the session as the socket's data.
func (s *Socket) Set(key string, v any) { s.core().Set(key, v) }

// Get returns the session value under key.
func (s *Socket) Get(key string) (any, bool) { return s.core().Get(key) }

// Delete removes key from the socket's session.
func (s *Socket) Delete(key string) { s.core().Delete(key) }

// Value returns the session value of s under key as a T.
func Value[T any](s *Socket, key string) (T, bool) {
	v, ok := s.Get(key)
	t, isT := v.(T)
	return t, ok && isT
}
