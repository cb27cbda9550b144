package namespace

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// Socket states.
const (
	stateConnecting int32 = iota // OnConnect runs; packets are held back
	stateConnected
	stateDisconnected
)

// Socket is one client's connection to one namespace. Its methods are safe
// for concurrent use from any goroutine: a handler, an HTTP handler, a
// timer.
type Socket struct {
	id    string
	rt    *Runtime
	conn  Conn
	hs    Handshake
	state atomic.Int32

	mu      sync.Mutex
	done    chan struct{}      // closed at disconnect; made when Context().Done() is first asked for
	held    []*adapter.Encoded // packets emitted while connecting
	acks    map[int64]func([]json.RawMessage)
	session map[string]any
}

// Connect creates a socket of this namespace for connection c, in the
// connecting state: it is registered (so it can join rooms and be
// emitted to), but what is sent to it is held until Accept. The router
// calls it when a client asks to join the namespace.
func (rt *Runtime) Connect(c Conn, hs Handshake) *Socket {
	s := &Socket{id: newSocketID(), rt: rt, conn: c, hs: hs}
	rt.mu.Lock()
	rt.sockets[s.id] = s
	rt.mu.Unlock()
	return s
}

func newSocketID() string {
	var b [15]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Accept marks the socket connected once its CONNECT reply was sent, and
// sends what was emitted to it meanwhile. The router calls it.
func (s *Socket) Accept() {
	s.mu.Lock()
	for _, e := range s.held {
		s.write(e, false)
	}
	s.held = nil
	s.state.CompareAndSwap(stateConnecting, stateConnected)
	s.mu.Unlock()
}

// Detach removes a disconnected socket from its namespace and rooms, and
// fails its pending acks. The router calls it once the socket is gone.
func (s *Socket) Detach() {
	if s.state.Swap(stateDisconnected) == stateDisconnected {
		return
	}
	s.endContext()
	s.rt.adapter.LeaveAll(s.id)
	s.rt.mu.Lock()
	delete(s.rt.sockets, s.id)
	s.rt.mu.Unlock()
	s.mu.Lock()
	s.acks, s.held = nil, nil
	s.mu.Unlock()
}

// ID returns the socket id, which is also the name of its own room.
func (s *Socket) ID() string { return s.id }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return &Namespace{rt: s.rt} }

// Handshake returns what the client sent when it connected.
func (s *Socket) Handshake() Handshake { return s.hs }

// EngineID returns the id of the underlying Engine.IO session, shared by
// the client's sockets in every namespace.
func (s *Socket) EngineID() string { return s.conn.ID() }

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return s.state.Load() != stateDisconnected }

// Context returns a context that is canceled when the socket disconnects.
func (s *Socket) Context() context.Context { return (*socketContext)(s) }

// Emit sends an event with args to this socket. Args are encoded as JSON;
// []byte values anywhere in []any or map[string]any args travel as binary
// attachments.
func (s *Socket) Emit(event string, args ...any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	p, err := encodeEvent(s.rt.name, protocol.NoID, event, args)
	if err != nil {
		return err
	}
	return s.sendPacket(p)
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
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.rt.ackTimeout)
		defer cancel()
	}
	id := s.rt.nextAckID()
	got := make(chan []json.RawMessage, 1)
	s.ExpectAck(id, func(args []json.RawMessage) { got <- args })
	p, err := encodeEvent(s.rt.name, id, event, args)
	if err == nil {
		err = s.sendPacket(p)
	}
	if err != nil {
		s.dropAck(id)
		return Reply{}, err
	}
	select {
	case args := <-got:
		return Reply{Args: args}, nil
	case <-ctx.Done():
		s.dropAck(id)
		return Reply{}, fmt.Errorf("%w: event %q: %w", errors.ErrAckTimeout, event, ctx.Err())
	case <-s.Context().Done():
		s.dropAck(id) // Detach may not have cleared the acks yet
		return Reply{}, fmt.Errorf("%w: while waiting for the ack of %q", errors.ErrSocketClosed, event)
	}
}

// ExpectAck registers fn to receive the acknowledgement with id. Nothing
// is registered once the socket disconnected: fn will never be called.
func (s *Socket) ExpectAck(id int64, fn func(args []json.RawMessage)) {
	s.mu.Lock()
	if s.state.Load() == stateDisconnected {
		s.mu.Unlock()
		return
	}
	if s.acks == nil {
		s.acks = make(map[int64]func([]json.RawMessage))
	}
	s.acks[id] = fn
	s.mu.Unlock()
}

func (s *Socket) dropAck(id int64) {
	s.mu.Lock()
	delete(s.acks, id)
	s.mu.Unlock()
}

// HandleAck delivers the client's acknowledgement id to whoever waits for
// it; an unknown id is ignored. The router calls it.
func (s *Socket) HandleAck(id int64, args []json.RawMessage) {
	s.mu.Lock()
	fn := s.acks[id]
	delete(s.acks, id)
	s.mu.Unlock()
	if fn != nil {
		fn(args)
	}
}

// SendAck acknowledges the client's event id with args. The router calls
// it with a handler's return values.
func (s *Socket) SendAck(id int64, args []any) error {
	data, att, err := protocol.AppendArgs(nil, args)
	if err != nil {
		return err
	}
	p := &protocol.Packet{Type: protocol.Ack, Namespace: s.rt.name, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryAck
	}
	return s.sendPacket(p)
}

// sendPacket encodes p and queues it to this socket alone.
func (s *Socket) sendPacket(p *protocol.Packet) error {
	if s.state.Load() == stateDisconnected {
		return errors.ErrSocketClosed
	}
	s.rt.trace(p, s.id, s.conn.ID(), 0)
	return s.deliver(adapter.Encode(p), false)
}

// deliver queues an encoded packet, or holds it while connecting.
func (s *Socket) deliver(e *adapter.Encoded, volatile bool) error {
	switch s.state.Load() {
	case stateDisconnected:
		return errors.ErrSocketClosed
	case stateConnecting:
		s.mu.Lock()
		if s.state.Load() == stateConnecting {
			if !volatile {
				s.held = append(s.held, e)
			}
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
	}
	return s.write(e, volatile)
}

// write queues an encoded packet on the connection. The frames are shared
// by every recipient of a broadcast, so this allocates nothing.
func (s *Socket) write(e *adapter.Encoded, volatile bool) error {
	if volatile {
		s.conn.SendVolatile(e.Frames()...)
		return nil
	}
	return s.conn.Send(e.Frames()...)
}

// Disconnect disconnects the socket from its namespace: the client gets a
// DISCONNECT packet and OnDisconnect runs with reason
// "server namespace disconnect". With closeConn the whole connection (every
// namespace on it) is closed.
func (s *Socket) Disconnect(closeConn bool) { s.conn.Disconnect(s, closeConn) }

// Join adds the socket to rooms.
func (s *Socket) Join(rooms ...string) { s.rt.adapter.Join(s.id, rooms...) }

// Leave removes the socket from room.
func (s *Socket) Leave(room string) { s.rt.adapter.Leave(s.id, room) }

// LeaveAll removes the socket from every room but its own.
func (s *Socket) LeaveAll() {
	for _, r := range s.rt.adapter.Rooms(s.id) {
		if r != s.id {
			s.rt.adapter.Leave(s.id, r)
		}
	}
}

// Rooms returns the rooms the socket is in, its own room first.
func (s *Socket) Rooms() []string { return s.rt.adapter.Rooms(s.id) }

// To returns an operator that broadcasts to rooms, without this socket
// (socket.io's socket.to(room), Flask-SocketIO's include_self=False).
func (s *Socket) To(rooms ...string) Operator {
	return Operator{rt: s.rt}.To(rooms...).Except(s.id)
}

// Broadcast returns an operator that broadcasts to every socket of the
// namespace but this one (socket.io's socket.broadcast).
func (s *Socket) Broadcast() Operator { return Operator{rt: s.rt}.Except(s.id) }

// Volatile returns an operator that sends to this socket only if it can
// take the packet now.
func (s *Socket) Volatile() Operator { return Operator{rt: s.rt, volatile: true}.To(s.id) }

// Set stores a value in the socket's session, under key.
func (s *Socket) Set(key string, v any) {
	s.mu.Lock()
	if s.session == nil {
		s.session = make(map[string]any)
	}
	s.session[key] = v
	s.mu.Unlock()
}

// Get returns the session value under key.
func (s *Socket) Get(key string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.session[key]
	return v, ok
}

// Delete removes key from the socket's session.
func (s *Socket) Delete(key string) {
	s.mu.Lock()
	delete(s.session, key)
	s.mu.Unlock()
}

// Value returns the session value of s under key as a T.
func Value[T any](s *Socket, key string) (T, bool) {
	v, ok := s.Get(key)
	t, isT := v.(T)
	return t, ok && isT
}

// view returns the socket as its adapter sees it.
func (s *Socket) view() adapter.Socket { return (*socketView)(s) }

// socketView is a Socket as the adapter sees it (adapter.Socket).
type socketView Socket

func (v *socketView) ID() string { return v.id }

func (v *socketView) Deliver(e *adapter.Encoded, volatile bool) {
	(*Socket)(v).deliver(e, volatile)
}

func (v *socketView) ExpectAck(id int64, fn func([]json.RawMessage)) {
	(*Socket)(v).ExpectAck(id, fn)
}

func (v *socketView) Disconnect(closeConn bool) { (*Socket)(v).Disconnect(closeConn) }

func (v *socketView) Info() adapter.SocketInfo {
	s := (*Socket)(v)
	s.mu.Lock()
	data := maps.Clone(s.session)
	s.mu.Unlock()
	return adapter.SocketInfo{ID: s.id, Rooms: s.Rooms(), Data: data, Handshake: s.hs.info()}
}

// encodeEvent builds the EVENT (or BINARY_EVENT) packet of event and args.
func encodeEvent(nsp string, id int64, event string, args []any) (*protocol.Packet, error) {
	data, att, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		return nil, fmt.Errorf("socketeer: encoding args of %q: %w", event, err)
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: nsp, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	return p, nil
}

// SendAckRaw acknowledges the client's event id with raw JSON args, sent
// verbatim.
func (s *Socket) SendAckRaw(id int64, args []json.RawMessage) error {
	n := 2
	for _, a := range args {
		n += len(a) + 1
	}
	data := make([]byte, 0, n)
	data = append(data, '[')
	for i, a := range args {
		if i > 0 {
			data = append(data, ',')
		}
		data = append(data, a...)
	}
	data = append(data, ']')
	return s.sendPacket(&protocol.Packet{Type: protocol.Ack, Namespace: s.rt.name, ID: id, Data: data})
}
