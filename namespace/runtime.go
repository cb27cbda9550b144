package namespace

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/debug"
)

// Runtime is the live state of one namespace on this node: its sockets,
// its adapter (rooms and fan-out) and its ack ids. The app creates one per
// registered namespace; users reach it through Namespace and Socket.
type Runtime struct {
	name       string
	adapter    adapter.Adapter
	tracer     atomic.Pointer[debug.Tracer]
	ackTimeout time.Duration
	ackIDs     atomic.Int64
	serverSide atomic.Pointer[func(event string, args []json.RawMessage)]

	mu      sync.RWMutex
	sockets map[string]*Socket
}

// RuntimeOptions configures a Runtime.
type RuntimeOptions struct {
	// Adapter makes the namespace's adapter (default adapter.MemoryFactory).
	Adapter adapter.Factory
	// Tracer traces outgoing packets; nil traces nothing.
	Tracer *debug.Tracer
	// AckTimeout is the default timeout of broadcasts with acks (default 10s).
	AckTimeout time.Duration
}

// NewRuntime returns the runtime of namespace name.
func NewRuntime(name string, o RuntimeOptions) (*Runtime, error) {
	if o.Adapter == nil {
		o.Adapter = adapter.MemoryFactory
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 10 * time.Second
	}
	rt := &Runtime{name: name, ackTimeout: o.AckTimeout, sockets: make(map[string]*Socket)}
	rt.tracer.Store(o.Tracer)
	a, err := o.Adapter((*localView)(rt))
	if err != nil {
		return nil, err
	}
	rt.adapter = a
	return rt, nil
}

// Name returns the namespace name, such as "/chat".
func (rt *Runtime) Name() string { return rt.name }

// Adapter returns the namespace's adapter.
func (rt *Runtime) Adapter() adapter.Adapter { return rt.adapter }

// Len returns the number of sockets connected to this namespace on this node.
func (rt *Runtime) Len() int {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return len(rt.sockets)
}

// socket returns the local socket with id, or nil.
func (rt *Runtime) socket(id string) *Socket {
	rt.mu.RLock()
	s := rt.sockets[id]
	rt.mu.RUnlock()
	return s
}

func (rt *Runtime) nextAckID() int64 { return rt.ackIDs.Add(1) - 1 }

// dropAcks makes every local socket forget the ack id, once a broadcast
// stopped waiting for it.
func (rt *Runtime) dropAcks(id int64) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, s := range rt.sockets {
		s.dropAck(id)
	}
}

// OnServerSideEvent sets the function that receives events other nodes
// send with ServerSideEmit.
func (rt *Runtime) OnServerSideEvent(fn func(event string, args []json.RawMessage)) {
	rt.serverSide.Store(&fn)
}

// SetTracer switches tracing of outgoing packets on (t != nil) or off.
func (rt *Runtime) SetTracer(t *debug.Tracer) { rt.tracer.Store(t) }

// Close closes the namespace's adapter.
func (rt *Runtime) Close() error { return rt.adapter.Close() }

// localView is the Runtime as its adapter sees it (adapter.Local).
type localView Runtime

func (l *localView) Name() string { return l.name }

func (l *localView) Socket(id string) adapter.Socket {
	if s := (*Runtime)(l).socket(id); s != nil {
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
	if fn := l.serverSide.Load(); fn != nil {
		(*fn)(event, args)
	}
}
