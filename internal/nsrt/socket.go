package nsrt

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

// Socket is one client's connection to one namespace; namespace.Socket is
// defined over it. Its methods are safe for concurrent use.
type Socket struct {
	id        string
	pid       string // private session id, with recovery on
	rt        *Runtime
	conn      Conn
	hs        handshake
	state     atomic.Int32
	recovered bool

	mu      sync.Mutex
	done    chan struct{}       // closed at disconnect; made when Context().Done() is first asked for
	held    *[]*adapter.Encoded // packets emitted while connecting (a pointer: most sockets have none)
	acks    map[int64]func([]json.RawMessage)
	session map[string]any           // the user's Set/Get values, which FetchSockets reports
	private atomic.Pointer[sync.Map] // the library's own per-socket values (middleware state), made when first needed
}

// Connect creates a socket of this namespace for connection c, in the
// connecting state: it is registered (so it can join rooms and be
// emitted to), but what is sent to it is held until Accept.
func (rt *Runtime) Connect(c Conn, hs adapter.Handshake) *Socket {
	s := &Socket{id: newSocketID(), rt: rt, conn: c, hs: packHandshake(hs, c)}
	if rt.rec != nil {
		s.pid = newSocketID()
	}
	rt.mu.Lock()
	rt.sockets[s.id] = s
	rt.mu.Unlock()
	// The socket's own room, as Node's socket joins its id: adapter.Memory
	// stores nothing for it, an adapter that subscribes per room (the
	// sharded adapter's dynamic-private mode) subscribes to it.
	rt.adapter.Join(s.id, s.id)
	return s
}

func newSocketID() string {
	var b [15]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Accept marks the socket connected once its CONNECT reply was sent, and
// sends what was emitted to it meanwhile.
func (s *Socket) Accept() {
	s.mu.Lock()
	if s.held != nil {
		for _, e := range *s.held {
			s.write(e, false)
		}
		s.held = nil
	}
	s.state.CompareAndSwap(stateConnecting, stateConnected)
	s.mu.Unlock()
}

// Detach removes a disconnected socket from its namespace and rooms, and
// fails its pending acks.
func (s *Socket) Detach() {
	if s.state.Swap(stateDisconnected) == stateDisconnected {
		return
	}
	s.endContext()
	s.rt.adapter.LeaveAll(s.id)
	s.rt.mu.Lock()
	if s.rt.sockets[s.id] == s {
		delete(s.rt.sockets, s.id)
	}
	s.rt.mu.Unlock()
	s.mu.Lock()
	s.acks, s.held = nil, nil
	s.mu.Unlock()
}

// ID returns the socket id, which is also the name of its own room.
func (s *Socket) ID() string { return s.id }

// Runtime returns the socket's namespace runtime.
func (s *Socket) Runtime() *Runtime { return s.rt }

// Handshake returns what the client sent when it connected, with maps of
// its own on each call.
func (s *Socket) Handshake() adapter.Handshake { return s.hs.unpack(s.conn) }

// Address returns the client's remote address, as Handshake does, without
// unpacking the rest.
func (s *Socket) Address() string { return s.hs.address(s.conn) }

// EngineID returns the id of the underlying Engine.IO session.
func (s *Socket) EngineID() string { return s.conn.ID() }

// Connected reports whether the socket is still connected.
func (s *Socket) Connected() bool { return s.state.Load() != stateDisconnected }

// Context returns a context that is canceled when the socket disconnects.
func (s *Socket) Context() context.Context { return (*socketContext)(s) }

// ExpectAck registers fn to receive the acknowledgement with id. Nothing
// is registered once the socket disconnected: fn will never be called.
// Whoever expects an ack may wait for it, maybe in a handler that runs on
// the connection's reader: the connection is told (WaitingForClient), so
// that the ack is read meanwhile.
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
	s.conn.WaitingForClient()
}

// PendingAcks returns how many acks the socket still waits for.
func (s *Socket) PendingAcks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acks)
}

// DropAck forgets the ack id.
func (s *Socket) DropAck(id int64) {
	s.mu.Lock()
	delete(s.acks, id)
	s.mu.Unlock()
}

// HandleAck delivers the client's acknowledgement id to whoever waits for
// it; an unknown id is ignored.
func (s *Socket) HandleAck(id int64, args []json.RawMessage) {
	s.mu.Lock()
	fn := s.acks[id]
	delete(s.acks, id)
	s.mu.Unlock()
	if fn != nil {
		fn(args)
	}
}

// SendAck acknowledges the client's event id with args.
func (s *Socket) SendAck(id int64, args []any) error {
	data, att, err := protocol.AppendArgs(nil, args)
	if err != nil {
		return fmt.Errorf("%w: ack args: %w", errors.ErrEncode, err)
	}
	p := &protocol.Packet{Type: protocol.Ack, Namespace: s.rt.name, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryAck
	}
	return s.SendPacket(p)
}

// SendAckRaw acknowledges the client's event id with raw JSON args, sent
// verbatim.
func (s *Socket) SendAckRaw(id int64, args []json.RawMessage) error {
	n := 2
	for _, a := range args {
		n += len(a) + 1
	}
	// Without a tracer or an observer, which are handed the packet and
	// might keep its data, only adapter.Encode reads the data, and it
	// copies it into the packet's text: the data is built in a pooled
	// buffer, given back once encoded.
	if n > maxAckScratch || s.rt.tracer != nil || s.rt.observer != nil {
		data := appendAckArgs(make([]byte, 0, n), args)
		return s.SendPacket(&protocol.Packet{Type: protocol.Ack, Namespace: s.rt.name, ID: id, Data: data})
	}
	bp := ackScratch.Get().(*[]byte)
	data := appendAckArgs((*bp)[:0], args)
	err := s.SendPacket(&protocol.Packet{Type: protocol.Ack, Namespace: s.rt.name, ID: id, Data: data})
	*bp = data[:0]
	ackScratch.Put(bp)
	return err
}

// maxAckScratch bounds the data of an ack built in an ackScratch buffer,
// and so what the pool keeps.
const maxAckScratch = 16 << 10

// ackScratch holds the buffers SendAckRaw builds an ack's data in.
var ackScratch = sync.Pool{New: func() any { return new([]byte) }}

// appendAckArgs appends args to dst as a JSON array.
func appendAckArgs(dst []byte, args []json.RawMessage) []byte {
	dst = append(dst, '[')
	for i, a := range args {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, a...)
	}
	return append(dst, ']')
}

// SendPacket encodes p and queues it to this socket alone.
func (s *Socket) SendPacket(p *protocol.Packet) error {
	if s.state.Load() == stateDisconnected {
		return errors.ErrSocketClosed
	}
	s.rt.Trace(p, s.id, s.conn.ID(), 0)
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
				if s.held == nil {
					s.held = new([]*adapter.Encoded)
				}
				*s.held = append(*s.held, e)
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
	if o := s.rt.observer; o != nil {
		observeBytes(o, e)
	}
	frames, err := s.conn.Frames(e)
	if err != nil {
		return err
	}
	if volatile {
		s.conn.SendVolatile(frames...)
		return nil
	}
	return s.conn.Send(frames...)
}

// Disconnect disconnects the socket from its namespace; with closeConn the
// whole connection.
func (s *Socket) Disconnect(closeConn bool) { s.conn.Disconnect(s, closeConn) }

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

// Private returns the library's own value of the socket under key (any
// comparable value, such as a pointer to an unexported type), storing the
// result of make when there is none yet. It is kept apart from the user's
// session, which FetchSockets reports.
func (s *Socket) Private(key any, make func() any) any {
	m := s.private.Load()
	if m == nil {
		s.private.CompareAndSwap(nil, new(sync.Map))
		m = s.private.Load()
	}
	if v, ok := m.Load(key); ok {
		return v
	}
	v, _ := m.LoadOrStore(key, make())
	return v
}

// view returns the socket as its adapter sees it.
func (s *Socket) view() adapter.Socket { return (*socketView)(s) }

// socketView is a Socket as the adapter sees it (adapter.Socket).
type socketView Socket

var _ adapter.Socket = (*socketView)(nil)

func (v *socketView) ID() string { return v.id }

func (v *socketView) Deliver(e *adapter.Encoded, volatile bool) {
	(*Socket)(v).deliver(e, volatile)
}

func (v *socketView) ExpectAck(id int64, fn func([]json.RawMessage)) {
	(*Socket)(v).ExpectAck(id, fn)
}

func (v *socketView) Disconnect(closeConn bool) { (*Socket)(v).Disconnect(closeConn) }

func (v *socketView) Info() adapter.SocketInfo { return (*Socket)(v).Info() }

// Info describes the socket for FetchSockets; its data is a copy of the
// session.
func (s *Socket) Info() adapter.SocketInfo {
	s.mu.Lock()
	data := maps.Clone(s.session)
	s.mu.Unlock()
	return adapter.SocketInfo{ID: s.id, Rooms: s.rt.adapter.Rooms(s.id), Data: data, Handshake: s.hs.unpack(s.conn)}
}

// EncodeEvent builds the EVENT (or BINARY_EVENT) packet of event and args.
func EncodeEvent(nsp string, id int64, event string, args []any) (*protocol.Packet, error) {
	data, att, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		return nil, fmt.Errorf("%w: args of %q: %w", errors.ErrEncode, event, err)
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: nsp, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	return p, nil
}
