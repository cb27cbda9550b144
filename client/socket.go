package client

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/protocol"
)

// Disconnect reasons given to OnDisconnect callbacks, as socket.io-client
// names them. A lost connection gives the Engine.IO reason: "transport
// close", "transport error", "ping timeout" or "parse error".
const (
	// ReasonServerDisconnect: the server disconnected the socket; it does
	// not reconnect by itself.
	ReasonServerDisconnect = "io server disconnect"
	// ReasonClientDisconnect: Disconnect or Manager.Close was called.
	ReasonClientDisconnect = "io client disconnect"
)

// Socket is the client's socket of one namespace, multiplexed over its
// Manager's connection. Its methods are safe for concurrent use. Handlers
// and callbacks of one socket run one after another, in the order the
// packets arrived, on a goroutine of their own: a slow handler delays the
// next events of its socket, not the connection's heartbeat.
type Socket struct {
	m       *Manager
	nsp     string
	auth    json.RawMessage
	authErr error
	q       serial
	table   atomic.Pointer[table]

	mu        sync.Mutex
	active    bool            // the socket wants to be connected
	connected bool            // the server accepted its CONNECT
	id        string          // the socket id the server gave
	sentOn    *eioclient.Conn // the connection the CONNECT went out on
	buffer    []outgoing      // emits waiting for the connection
	nextID    int64
	acks      map[int64]*pendingAck
	waiters   []chan error // Connect calls waiting
	recovery  recovery     // connection state recovery, when the server offers it
}

// table holds the handlers and callbacks of a socket. It is replaced, not
// changed, so that dispatch reads it without a lock.
type table struct {
	events       map[string]invoker
	connect      func()
	disconnect   func(reason string)
	connectError func(err error)
	onError      func(event string, err error)
}

// outgoing is an emit waiting in the buffer.
type outgoing struct {
	packets []eioclient.Packet
	ackID   int64 // protocol.NoID when none
}

// pendingAck waits for the acknowledgement of an event.
type pendingAck struct {
	ch   chan ackResult
	sent bool // the event went out; a disconnect makes the ack impossible
}

type ackResult struct {
	reply Reply
	err   error
}

func newSocket(m *Manager, nsp string, o SocketOptions) *Socket {
	s := &Socket{m: m, nsp: nsp, q: serial{g: m.g, max: m.opts.MaxPending}, acks: map[int64]*pendingAck{}}
	if o.Auth != nil {
		s.auth, s.authErr = json.Marshal(o.Auth)
		if s.authErr == nil && (len(s.auth) == 0 || s.auth[0] != '{') {
			s.authErr = fmt.Errorf("socketeer: client auth must encode as a JSON object, not %s", s.auth)
		}
	}
	s.table.Store(&table{events: map[string]invoker{}})
	return s
}

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() string { return s.nsp }

// Manager returns the socket's Manager.
func (s *Socket) Manager() *Manager { return s.m }

// Recovered reports whether the last connection recovered the socket's
// state: the server offered connection state recovery (a pid in its
// CONNECT reply), the client sent the pid and the offset of the last event
// it received when it reconnected, and the server took them back up. The
// socket then keeps its id and rooms, and the server sends the events
// missed while the connection was down.
func (s *Socket) Recovered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recovery.recovered
}

// ID returns the socket id the server gave on the last connection, "" if
// it never connected.
func (s *Socket) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// Connected reports whether the socket is connected to its namespace.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// isActive reports whether the socket wants to be connected.
func (s *Socket) isActive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// Connect connects the socket to its namespace, opening the Manager's
// connection if needed, and waits until the server accepts it. It returns
// a *ConnectError when the server refuses (the socket then stays
// disconnected), ErrReconnectFailed when the Manager gave up connecting,
// or ctx's error; after a ctx error the socket goes on trying in the
// background until Disconnect. Connecting a connected socket does nothing.
func (s *Socket) Connect(ctx context.Context) error {
	if s.authErr != nil {
		return s.authErr
	}
	s.mu.Lock()
	if s.connected {
		s.mu.Unlock()
		return nil
	}
	s.active = true
	ch := make(chan error, 1)
	s.waiters = append(s.waiters, ch)
	s.mu.Unlock()
	if err := s.m.start(s); err != nil {
		s.dropWaiter(ch)
		return err
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		s.dropWaiter(ch)
		return ctx.Err()
	}
}

// dropWaiter forgets a Connect call that returned.
func (s *Socket) dropWaiter(ch chan error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range s.waiters {
		if w == ch {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			return
		}
	}
}

// wakeLocked ends every waiting Connect call with err.
func (s *Socket) wakeLocked(err error) {
	for _, w := range s.waiters {
		w <- err
	}
	s.waiters = nil
}

// Disconnect leaves the namespace: it sends DISCONNECT, calls the
// disconnect callback with "io client disconnect", fails the emits still
// buffered and the acks still awaited with ErrClosed, and stops
// reconnecting this socket. When no socket of the Manager remains
// connected, the connection closes. Connect may be called again.
func (s *Socket) Disconnect() error {
	s.mu.Lock()
	wasConnected, conn := s.connected, s.sentOn
	s.active, s.connected, s.sentOn = false, false, nil
	s.failLocked(ErrClosed, false)
	s.wakeLocked(ErrClosed)
	s.mu.Unlock()
	if conn != nil {
		conn.Send(s.packet(protocol.Disconnect, nil))
	}
	if wasConnected {
		s.callDisconnect(ReasonClientDisconnect)
	}
	s.m.idle()
	return nil
}

// closed ends the socket for good when the Manager closes.
func (s *Socket) closed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active, s.connected, s.sentOn = false, false, nil
	s.failLocked(err, false)
	s.wakeLocked(err)
}

// failLocked fails the awaited acks with err: all of them, or with
// sentOnly those whose event went out (the buffered ones may still be
// sent after a reconnection). Without sentOnly the buffer is dropped too.
func (s *Socket) failLocked(err error, sentOnly bool) {
	for id, a := range s.acks {
		if a.sent || !sentOnly {
			a.ch <- ackResult{err: err}
			delete(s.acks, id)
		}
	}
	if !sentOnly {
		s.buffer = nil
	}
}

// packet returns the Engine.IO message carrying a packet of the socket's
// namespace without attachments.
func (s *Socket) packet(t protocol.PacketType, data json.RawMessage) eioclient.Packet {
	p := protocol.Packet{Type: t, Namespace: s.nsp, ID: protocol.NoID, Data: data}
	out, _ := s.m.parser.encode(&p) // one message; CONNECT's auth is shallow JSON
	if len(out) == 0 {
		return eioclient.Packet{Type: eioclient.Message, Data: protocol.AppendPacket(nil, &p)}
	}
	return out[0]
}

// sendConnect sends CONNECT on conn if the socket wants to connect and has
// not sent it there yet.
func (s *Socket) sendConnect(conn *eioclient.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.active || s.connected || s.sentOn == conn {
		return
	}
	if conn.Send(s.packet(protocol.Connect, s.recovery.auth(s.auth))) == nil {
		s.sentOn = conn
	}
}

// sendDisconnect sends DISCONNECT on conn if the socket is connected there.
func (s *Socket) sendDisconnect(conn *eioclient.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connected && s.sentOn == conn {
		conn.Send(s.packet(protocol.Disconnect, nil))
	}
}

// transportError reports a failed connection attempt to a socket that
// waits to connect, as socket.io-client's connect_error.
func (s *Socket) transportError(err error) {
	s.mu.Lock()
	waiting := s.active && !s.connected
	s.mu.Unlock()
	if waiting {
		s.callConnectError(err)
	}
}

// connectFailed ends the waiting Connect calls with err.
func (s *Socket) connectFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wakeLocked(err)
}

// lost is called when conn ended for reason.
func (s *Socket) lost(conn *eioclient.Conn, reason string) {
	s.mu.Lock()
	if s.sentOn != conn {
		s.mu.Unlock()
		return
	}
	wasConnected := s.connected
	s.connected, s.sentOn = false, nil
	s.failLocked(ErrDisconnected, true)
	s.mu.Unlock()
	if wasConnected {
		s.callDisconnect(reason)
	}
}
