package router

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// Event is one incoming event (or connect) as middleware sees it.
type Event struct {
	// Namespace is the namespace name.
	Namespace string
	// Name is the event name; "connect" for a namespace connect.
	Name string
	// Args are the event's args as raw JSON; for a connect, the single
	// auth payload. Binary values are placeholders that point into
	// Attachments; DecodeArg resolves them.
	Args []json.RawMessage
	// Attachments are the binary attachments of a BINARY_EVENT.
	Attachments [][]byte
	// AckID is the ack id the client asked for, protocol.NoID if none.
	AckID int64
}

// Handler handles an event (or a connect) of a socket and returns its ack.
type Handler func(ctx context.Context, s *namespace.Socket, e *Event) (Result, error)

// Middleware wraps a Handler: it may inspect or refuse the event (return
// an error without calling next), time it, or change its args.
type Middleware func(next Handler) Handler

// Session is the Engine.IO session of a client connection.
// *engine.Session implements it; apptest provides an in-memory one.
type Session interface {
	ID() string
	Request() *http.Request
	Send(packets ...engine.Packet) error
	SendVolatile(packets ...engine.Packet) bool
	Close()
}

// Options configures a Router.
type Options struct {
	// ConnectTimeout closes a connection that joined no namespace in time
	// (default 45s).
	ConnectTimeout time.Duration
	// Validator checks handler args with validate tags (default
	// NewValidator()).
	Validator Validator
	// Tracer traces every packet in and out; nil traces nothing.
	Tracer *debug.Tracer
	// Debug lets the built-in error handler show internal error text to
	// clients.
	Debug bool
	// OnError is the app-wide error handler, used by namespaces without
	// their own OnError.
	OnError ErrorHandler
	// Limits bounds the Socket.IO packets accepted.
	Limits protocol.Limits
	// Logf logs errors no handler took (default: the tracer, else nothing
	// unless Debug, then the standard logger).
	Logf func(format string, args ...any)
}

// Router dispatches the packets of client connections to namespace
// handlers. Namespaces and middleware are set before serving starts; from
// then on the dispatch table is immutable and read without locks.
type Router struct {
	opts Options

	mu         sync.Mutex
	serving    bool
	namespaces map[string]*route
	middleware []Middleware
}

// route is one registered namespace.
type route struct {
	rt         *namespace.Runtime
	table      *Table
	middleware []Middleware
	event      Handler // middleware around event dispatch
	connect    Handler // middleware around connect
}

// New returns a Router.
func New(o Options) *Router {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 45 * time.Second
	}
	if o.Validator == nil {
		o.Validator = NewValidator()
	}
	return &Router{opts: o, namespaces: make(map[string]*route)}
}

// Handle registers the namespace served by rt with its dispatch table and
// middleware. It fails once serving started or when path is taken.
func (r *Router) Handle(rt *namespace.Runtime, t *Table, mw ...Middleware) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return fmt.Errorf("%w: cannot register namespace %q", errors.ErrServing, rt.Name())
	}
	if _, dup := r.namespaces[rt.Name()]; dup {
		return fmt.Errorf("%w: namespace %q is registered twice", errors.ErrRegistration, rt.Name())
	}
	r.namespaces[rt.Name()] = &route{rt: rt, table: t, middleware: mw}
	return nil
}

// Configure changes the router's options before serving starts.
func (r *Router) Configure(fn func(o *Options)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return fmt.Errorf("%w: cannot change options", errors.ErrServing)
	}
	fn(&r.opts)
	return nil
}

// Use adds app-wide middleware, which runs before each namespace's own.
func (r *Router) Use(mw ...Middleware) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return fmt.Errorf("%w: cannot add middleware", errors.ErrServing)
	}
	r.middleware = append(r.middleware, mw...)
	return nil
}

// UseFor adds middleware to the namespace at path.
func (r *Router) UseFor(path string, mw ...Middleware) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return fmt.Errorf("%w: cannot add middleware", errors.ErrServing)
	}
	rt, ok := r.namespaces[path]
	if !ok {
		return fmt.Errorf("%w: %q", errors.ErrUnknownNamespace, path)
	}
	rt.middleware = append(rt.middleware, mw...)
	return nil
}

// Serving freezes the configuration: the dispatch chains are built once
// and registration is closed. Open calls it on the first connection.
func (r *Router) Serving() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.serving {
		return
	}
	r.serving = true
	for _, rt := range r.namespaces {
		chain := append(append([]Middleware{}, r.middleware...), rt.middleware...)
		rt.event = wrap(r.dispatchEvent(rt), chain)
		rt.connect = wrap(r.dispatchConnect(rt), chain)
	}
}

// Namespace returns the runtime registered at path, or nil.
func (r *Router) Namespace(path string) *namespace.Runtime {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rt, ok := r.namespaces[path]; ok {
		return rt.rt
	}
	return nil
}

func wrap(h Handler, chain []Middleware) Handler {
	for i := len(chain) - 1; i >= 0; i-- {
		h = chain[i](h)
	}
	return h
}
