package clusteradapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// Transport moves the messages of one namespace's Adapter between nodes.
// Its methods may be called from any goroutine.
type Transport interface {
	// Publish sends m to every node of the namespace (a node ignores its
	// own messages). It returns the offset m got where the transport
	// keeps messages in order (a Redis stream entry id), "" otherwise or
	// when the transport did not wait for it.
	Publish(m *Message) (offset string, err error)
	// PublishResponse sends m to the node whose uid is uid.
	PublishResponse(uid string, m *Message) error
	// ServerCount returns how many nodes serve the namespace, this one
	// included.
	ServerCount(ctx context.Context) (int, error)
}

// Options configures an Adapter. Zero fields mean their defaults.
type Options struct {
	// RequestsTimeout bounds FetchSockets and ServerSideEmitWithAck
	// (default 5s, as Node).
	RequestsTimeout time.Duration
	// AckTimeout is how long the answers to a BroadcastWithAck are
	// awaited (default 1 minute).
	AckTimeout time.Duration
	// ErrTimeout is wrapped by the error of a request that some nodes did
	// not answer in time; it must wrap errors.ErrAdapter. The transport's
	// package passes its own sentinel.
	ErrTimeout error
	// ErrClosed is returned by requests made after Close.
	ErrClosed error
	// Logf logs what no caller sees (default: the namespace's Local.Logf).
	Logf func(format string, args ...any)
	// LogPrefix starts every line logged, such as
	// "socketeer/adapter/redisstreams".
	LogPrefix string
}

func (o *Options) defaults(local adapter.Local) {
	if o.RequestsTimeout <= 0 {
		o.RequestsTimeout = 5 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = time.Minute
	}
	if o.ErrTimeout == nil {
		o.ErrTimeout = fmt.Errorf("%w: cluster request timed out", errors.ErrAdapter)
	}
	if o.ErrClosed == nil {
		o.ErrClosed = fmt.Errorf("%w: cluster adapter closed", errors.ErrAdapter)
	}
	if o.Logf == nil {
		o.Logf = local.Logf
	}
	if o.LogPrefix == "" {
		o.LogPrefix = "socketeer/clusteradapter"
	}
}

// Adapter is the adapter of one namespace on one node of a cluster: an
// adapter.Memory for the local sockets, and the messages that carry every
// operation not marked Local to the other nodes through a Transport.
// Every method is safe for concurrent use.
type Adapter struct {
	*adapter.Memory
	local  adapter.Local
	t      Transport
	opts   Options
	uid    string
	ackIDs atomic.Int64

	mu       sync.Mutex
	closed   bool
	requests map[string]*request
	acks     map[string]*ackRequest
}

var (
	_ adapter.Adapter         = (*Adapter)(nil)
	_ adapter.ServerSideAcker = (*Adapter)(nil)
)

// remoteAckBase starts the ack ids of the broadcasts other nodes ask this
// node to make, far above the namespace's own counter and below 2^53, so
// that JavaScript clients echo them exactly.
const remoteAckBase = 1 << 52

// New returns the adapter of local's namespace, sending through t.
func New(local adapter.Local, t Transport, o Options) *Adapter {
	o.defaults(local)
	a := &Adapter{
		Memory:   adapter.NewMemory(local),
		local:    local,
		t:        t,
		opts:     o,
		uid:      RandomID(),
		requests: make(map[string]*request),
		acks:     make(map[string]*ackRequest),
	}
	a.ackIDs.Store(remoteAckBase)
	return a
}

// RandomID returns 16 random hex digits, like socket.io-adapter's
// randomId: node uids and request ids.
func RandomID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// UID returns the node's id in the cluster, in every message it sends.
func (a *Adapter) UID() string { return a.uid }

// Name returns the namespace name.
func (a *Adapter) Name() string { return a.local.Name() }

// Logf logs a line with the adapter's prefix and namespace.
func (a *Adapter) Logf(format string, args ...any) {
	a.opts.Logf(a.opts.LogPrefix+": "+a.local.Name()+": "+format, args...)
}

// publish stamps m with this node's uid and namespace and sends it.
func (a *Adapter) publish(m *Message) (string, error) {
	m.UID, m.Nsp = a.uid, a.local.Name()
	return a.t.Publish(m)
}

// respond sends the response m to the node uid, logging a failure.
func (a *Adapter) respond(uid string, m *Message) {
	m.UID, m.Nsp = a.uid, a.local.Name()
	if err := a.t.PublishResponse(uid, m); err != nil {
		a.Logf("response of type %d to %s: %v", m.Type, uid, err)
	}
}

// Broadcast publishes p for the other nodes, unless o.Local, then
// delivers it to the selected local sockets, with the offset the
// transport returned when there is one. A failed publish is returned after
// local delivery.
func (a *Adapter) Broadcast(p *protocol.Packet, o adapter.Options) error {
	if o.Local {
		return a.Memory.Broadcast(p, o)
	}
	offset, err := a.PublishBroadcast(p, o)
	a.Deliver(p, o, offset)
	return err
}

// PublishBroadcast publishes the BROADCAST of p and returns its offset.
// Broadcast is PublishBroadcast then Deliver; a transport that must hold a
// lock between the two calls them itself.
func (a *Adapter) PublishBroadcast(p *protocol.Packet, o adapter.Options) (string, error) {
	data, err := rediswire.FromPayload(p.Data, p.Attachments)
	if err != nil {
		return "", err
	}
	return a.publish(&Message{Type: Broadcast, Data: &Data{
		Packet: &rediswire.Packet{Type: rediswire.EventType, Data: data, Nsp: a.local.Name()},
		Opts:   options(o.Rooms, o.Except, o.Volatile),
	}})
}

// Deliver delivers p to the selected local sockets; when offset is not ""
// and p is an event without ack that is not volatile, the offset is
// appended to its args, as Node does for connection state recovery.
func (a *Adapter) Deliver(p *protocol.Packet, o adapter.Options, offset string) {
	if offset != "" && !o.Volatile && p.ID == protocol.NoID && (p.Type == protocol.Event || p.Type == protocol.BinaryEvent) {
		stamped := *p
		stamped.Data = recovery.AppendOffset(p.Data, []byte(offset))
		p = &stamped
	}
	a.Memory.Broadcast(p, o)
}

// AddSockets makes the selected sockets of every node join rooms.
func (a *Adapter) AddSockets(o adapter.Options, rooms []string) error {
	return a.change(SocketsJoin, o, &Data{Rooms: rooms}, func() { a.Memory.AddSockets(o, rooms) })
}

// DelSockets makes the selected sockets of every node leave rooms.
func (a *Adapter) DelSockets(o adapter.Options, rooms []string) error {
	return a.change(SocketsLeave, o, &Data{Rooms: rooms}, func() { a.Memory.DelSockets(o, rooms) })
}

// DisconnectSockets disconnects the selected sockets of every node.
func (a *Adapter) DisconnectSockets(o adapter.Options, closeConn bool) error {
	return a.change(DisconnectSockets, o, &Data{Close: &closeConn}, func() { a.Memory.DisconnectSockets(o, closeConn) })
}

// change publishes a SOCKETS_JOIN, SOCKETS_LEAVE or DISCONNECT_SOCKETS,
// unless o.Local, then applies it locally.
func (a *Adapter) change(t MessageType, o adapter.Options, d *Data, apply func()) error {
	var err error
	if !o.Local && (t == DisconnectSockets || len(d.Rooms) > 0) {
		d.Opts = options(o.Rooms, o.Except, false)
		_, err = a.publish(&Message{Type: t, Data: d})
	}
	apply()
	return err
}

// ServerSideEmit sends event to the namespace on every other node.
func (a *Adapter) ServerSideEmit(event string, args []json.RawMessage) error {
	packet, err := eventPacket(event, args)
	if err != nil {
		return err
	}
	_, err = a.publish(&Message{Type: ServerSideEmit, Data: &Data{Packet: packet}})
	return err
}

// eventPacket returns [event, ...args] as message values.
func eventPacket(event string, args []json.RawMessage) ([]any, error) {
	vs, err := fromArgs(args)
	if err != nil {
		return nil, err
	}
	return append([]any{event}, vs...), nil
}

// Close fails the pending requests and forgets the pending broadcasts
// with acks. It does not close the transport.
func (a *Adapter) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	for id, r := range a.requests {
		r.finish()
		delete(a.requests, id)
	}
	for id, r := range a.acks {
		r.timer.Stop()
		delete(a.acks, id)
	}
	return nil
}
