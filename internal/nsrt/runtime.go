package nsrt

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/internal/trace"
)

// Runtime is the live state of one namespace on this node: its sockets,
// its adapter (rooms and fan-out) and its ack ids. The app creates one per
// registered namespace.
type Runtime struct {
	name       string
	adapter    adapter.Adapter
	tracer     *trace.Tracer
	logf       func(format string, args ...any)
	ackTimeout time.Duration
	ackIDs     atomic.Int64
	serverSide func(event string, args []json.RawMessage)
	observer   Observer
	rec        recovery.Recoverer // nil when connection state recovery is off

	mu      sync.RWMutex
	sockets map[string]*Socket
}

// Options configures a Runtime; it is fixed once the Runtime is made.
type Options struct {
	// Adapter makes the namespace's adapter (default adapter.MemoryFactory).
	Adapter adapter.Factory
	// Tracer traces outgoing packets; nil traces nothing.
	Tracer *trace.Tracer
	// Logf is the app's log sink, offered to the adapter.
	Logf func(format string, args ...any)
	// AckTimeout is the default timeout of acks (default 10s).
	AckTimeout time.Duration
	// ServerSide receives the events other nodes send with ServerSideEmit;
	// nil drops them.
	ServerSide func(event string, args []json.RawMessage)
	// Observer, when set, sees the namespace's sockets, events and rooms.
	Observer Observer
	// Recovery switches connection state recovery on; nil leaves it off.
	// It needs the in-memory adapter or an adapter that keeps sessions
	// itself (a recovery.Store): with another the namespace logs that it
	// cannot recover and runs without.
	Recovery *recovery.Options
}

// New returns the runtime of namespace name.
func New(name string, o Options) (*Runtime, error) {
	if o.Adapter == nil {
		o.Adapter = adapter.MemoryFactory
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 10 * time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	rt := &Runtime{name: name, tracer: o.Tracer, logf: o.Logf, ackTimeout: o.AckTimeout,
		serverSide: o.ServerSide, observer: o.Observer, sockets: make(map[string]*Socket)}
	a, err := o.Adapter((*localView)(rt))
	if err != nil {
		return nil, err
	}
	rt.adapter = a
	if o.Recovery != nil {
		rt.recover(*o.Recovery)
	}
	return rt, nil
}

// recover switches connection state recovery on: the in-memory adapter is
// wrapped, an adapter that keeps sessions itself is told to.
func (rt *Runtime) recover(o recovery.Options) {
	if o.Logf == nil {
		o.Logf = rt.logf
	}
	switch a := rt.adapter.(type) {
	case *adapter.Memory:
		rt.rec = recovery.New(a, rt.name, o)
		rt.adapter = rt.rec
	case recovery.Store:
		a.EnableRecovery(o)
		rt.rec = a
	default:
		rt.logf("socketeer: %s: connection state recovery is off: adapter %T cannot recover sockets", rt.name, rt.adapter)
	}
}

// Recovery returns the recovery adapter, nil when recovery is off.
func (rt *Runtime) Recovery() recovery.Recoverer { return rt.rec }

// Name returns the namespace name, such as "/chat".
func (rt *Runtime) Name() string { return rt.name }

// Adapter returns the namespace's adapter.
func (rt *Runtime) Adapter() adapter.Adapter { return rt.adapter }

// AckTimeout returns the default wait for acknowledgements.
func (rt *Runtime) AckTimeout() time.Duration { return rt.ackTimeout }

// Len returns the number of sockets connected to this namespace on this node.
func (rt *Runtime) Len() int {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return len(rt.sockets)
}

// Socket returns the local socket with id, or nil.
func (rt *Runtime) Socket(id string) *Socket {
	rt.mu.RLock()
	s := rt.sockets[id]
	rt.mu.RUnlock()
	return s
}

// NextAckID returns a fresh ack id for a packet of this namespace. Ids
// start at 1: python-socketio's msgpack client drops an ack id 0.
func (rt *Runtime) NextAckID() int64 { return rt.ackIDs.Add(1) }

// DropAcks makes every local socket forget the ack id, once a broadcast
// stopped waiting for it.
func (rt *Runtime) DropAcks(id int64) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, s := range rt.sockets {
		s.DropAck(id)
	}
}

// Close closes the namespace's adapter.
func (rt *Runtime) Close() error { return rt.adapter.Close() }

// localView is the Runtime as its adapter sees it (adapter.Local).
type localView Runtime

var _ adapter.Local = (*localView)(nil)

func (l *localView) Name() string { return l.name }

func (l *localView) Socket(id string) adapter.Socket {
	if s := (*Runtime)(l).Socket(id); s != nil {
		return s.view()
	}
	return nil
}

func (l *localView) Each(fn func(adapter.Socket)) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, s := range l.sockets {
		fn(s.view())
	}
}

func (l *localView) ServerSideEvent(event string, args []json.RawMessage) {
	if l.serverSide != nil {
		l.serverSide(event, args)
	}
}

func (l *localView) Logf(format string, args ...any) {
	if l.logf != nil {
		l.logf(format, args...)
	}
}

// Handle is a reference to a Runtime, nil until bound: namespace.Namespace
// is defined over it.
type Handle struct{ rt *Runtime }

// HandleOf returns a Handle bound to rt.
func HandleOf(rt *Runtime) *Handle { return &Handle{rt: rt} }

// Runtime returns the bound Runtime, or nil.
func (h *Handle) Runtime() *Runtime { return h.rt }

// Bind binds h to rt.
func (h *Handle) Bind(rt *Runtime) { h.rt = rt }

// Bind binds v, a namespace struct embedding namespace.Namespace, to rt,
// and reports whether v embeds it. Package namespace sets it.
var Bind func(v any, rt *Runtime) bool
