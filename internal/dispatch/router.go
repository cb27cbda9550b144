package dispatch

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// Session is the Engine.IO session of a client connection.
// *engine.Session implements it; apptest provides an in-memory one.
type Session interface {
	ID() string
	Request() *http.Request
	Send(packets ...engine.Packet) error
	SendVolatile(packets ...engine.Packet) bool
	// WaitingForClient is called before a wait for what the client
	// sends (see engine.Session.WaitingForClient).
	WaitingForClient()
	Close()
}

// Options configures a Router; it is fixed once the Router is made.
type Options struct {
	// ConnectTimeout closes a connection that joined no namespace in time
	// (default 45s).
	ConnectTimeout time.Duration
	// Validator checks handler args with validate tags (default
	// router.NewValidator()).
	Validator router.Validator
	// Tracer traces every packet in and out; nil traces nothing.
	Tracer *trace.Tracer
	// Debug lets the built-in error handler show internal error text to
	// clients.
	Debug bool
	// OnError is the app-wide error handler, used by namespaces without
	// their own OnError.
	OnError router.ErrorHandler
	// Middleware runs around every connect and event of every namespace,
	// before the namespace's own.
	Middleware []router.Middleware
	// Limits bounds the Socket.IO packets accepted.
	Limits protocol.Limits
	// Parser is the wire form of packets (default JSON).
	Parser Parser
	// Logf logs errors no handler took (default: nothing).
	Logf func(format string, args ...any)
	// Observer, when set, sees sessions, sockets, events and handlers.
	Observer nsrt.Observer
	// SkipMiddlewares runs OnConnect alone, without middleware, for a
	// socket that connection state recovery brought back.
	SkipMiddlewares bool
}

// Router dispatches the packets of client connections to namespace
// handlers. Namespaces are added before serving starts; from then on the
// dispatch table is immutable and read without locks.
type Router struct {
	opts Options

	mu         sync.Mutex
	serving    bool
	namespaces map[string]*route

	decoders sync.Pool // *protocol.Decoder: a client holds one only while a binary packet waits for attachments
}

// route is one registered namespace.
type route struct {
	rt         *nsrt.Runtime
	table      *Table
	middleware []router.Middleware
	event      router.Handler // middleware around event dispatch
	bare       bool           // no middleware: only this package sees an event's router.Event
	connect    router.Handler // middleware around connect
	recovered  router.Handler // connect of a recovered socket
}

// New returns a Router.
func New(o Options) *Router {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 45 * time.Second
	}
	if o.Validator == nil {
		o.Validator = router.NewValidator()
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	r := &Router{opts: o, namespaces: make(map[string]*route)}
	r.decoders.New = func() any { return protocol.NewDecoder(o.Limits) }
	return r
}

// Handle registers the namespace served by rt with its dispatch table and
// middleware. It fails once serving started or when the path is taken.
func (r *Router) Handle(rt *nsrt.Runtime, t *Table, mw ...router.Middleware) error {
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
		chain := append(append([]router.Middleware{}, r.opts.Middleware...), rt.middleware...)
		rt.event = wrap(r.dispatchEvent(rt), chain)
		rt.bare = len(chain) == 0
		rt.connect = wrap(r.dispatchConnect(rt), chain)
		rt.recovered = rt.connect
		if r.opts.SkipMiddlewares {
			rt.recovered = r.dispatchConnect(rt)
		}
	}
}

func wrap(h router.Handler, chain []router.Middleware) router.Handler {
	for i := len(chain) - 1; i >= 0; i-- {
		h = chain[i](h)
	}
	return h
}

// pub is a socket as handlers see it.
func pub(s *nsrt.Socket) *namespace.Socket { return (*namespace.Socket)(s) }

// core is a handler's socket as the runtime sees it.
func core(s *namespace.Socket) *nsrt.Socket { return (*nsrt.Socket)(s) }
