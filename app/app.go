package app

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/inproc"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/metrics"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// Options configures an App. It is the only way to configure one: New
// reads it once, and nothing about an app changes after that but the
// namespaces Register adds before the first client connects. The zero
// value serves Socket.IO at /socket.io/ with the reference server's
// defaults.
type Options struct {
	// Path is where the app serves Socket.IO (default "/socket.io/").
	Path string
	// Engine holds the transport options: ping interval and timeout, max
	// payload, transports, CORS, the outgoing queue limit and more.
	Engine engine.Options
	// ConnectTimeout closes connections that join no namespace in time
	// (default 45s).
	ConnectTimeout time.Duration
	// AckTimeout is the default wait for acknowledgements (default 10s).
	AckTimeout time.Duration
	// Adapter makes each namespace's adapter (default in-memory).
	Adapter adapter.Factory
	// Validator checks handler args with validate tags (default
	// router.NewValidator(), on go-playground/validator).
	Validator router.Validator
	// Middleware runs around every connect and event of every namespace,
	// in order, before the namespace's own (its Middleware method).
	Middleware []router.Middleware
	// OnError is the app's error handler, used by namespaces that have no
	// OnError method (Flask-SocketIO's on_error_default). Without one, the
	// built-in handler logs the error and acks errors.Wire(err, Debug).
	OnError router.ErrorHandler
	// Debug switches the event tracer on, as the environment variable
	// SOCKETEER_DEBUG=1 does: every packet in and out, each handler call
	// and each connection is written to DebugOptions.Output (stderr by
	// default), and the built-in error handler shows internal error text
	// to clients. For development only.
	Debug bool
	// DebugOptions configures the tracer (output, JSON, truncation).
	DebugOptions debug.Options
	// Parser is the wire form of Socket.IO packets, Node's parser option
	// and Flask-SocketIO's serializer: ParserJSON (the zero value, the
	// default parser of every client) or ParserMsgpack (the clients'
	// msgpack parser, such as socket.io-msgpack-parser). Every client of
	// the app must use the same one; handlers, acks, broadcasts and
	// adapters work alike with both.
	Parser Parser
	// Logf is the app's one log sink, for errors that no handler or caller
	// sees: errors no error handler took, connections closed for protocol
	// violations, adapter failures (such as a failed Redis publish). It
	// reaches the router and the adapters; an adapter's own Logf option,
	// when set, overrides it. Default: the tracer when Debug is on, else
	// log.Printf.
	Logf func(format string, args ...any)
	// Metrics, when set, counts sockets, events, handler times and more
	// for Prometheus (see package metrics). Nil costs nothing.
	Metrics *metrics.Metrics
	// Admin, when set, serves the Socket.IO Admin UI's namespace (see
	// package admin). Nil costs nothing.
	Admin *admin.Server
	// Recovery switches connection state recovery on, for every namespace
	// (nil: off). It needs the default in-memory adapter; a namespace with
	// another adapter logs that it cannot recover and runs without.
	Recovery *Recovery
}

// App is a Socket.IO server: it wires the Engine.IO transports, the router
// and the namespaces. It is an http.Handler.
type App struct {
	opts   Options
	tracer *trace.Tracer
	engine *engine.Server
	router *dispatch.Router
	obs    nsrt.Observer // the metrics and the admin UI; nil when neither

	mu       sync.Mutex
	serving  bool
	runtimes map[string]*nsrt.Runtime
}

var _ http.Handler = (*App)(nil)

// New returns an App configured by o.
func New(o Options) *App {
	if o.Path == "" {
		o.Path = "/socket.io/"
	}
	if !strings.HasSuffix(o.Path, "/") {
		o.Path += "/"
	}
	a := &App{opts: o, runtimes: make(map[string]*nsrt.Runtime)}
	if o.Debug || os.Getenv("SOCKETEER_DEBUG") == "1" {
		a.opts.Debug = true
		a.tracer = trace.New(o.DebugOptions)
	}
	if a.opts.Logf == nil {
		a.opts.Logf = log.Printf
		if a.tracer != nil {
			tr := a.tracer
			a.opts.Logf = func(format string, args ...any) { tr.Engine("", fmt.Sprintf(format, args...)) }
		}
	}
	a.router = dispatch.New(dispatch.Options{
		ConnectTimeout:  o.ConnectTimeout,
		Validator:       o.Validator,
		Tracer:          a.tracer,
		Debug:           a.opts.Debug,
		OnError:         o.OnError,
		Middleware:      o.Middleware,
		Logf:            a.opts.Logf,
		Parser:          o.Parser.dispatch(),
		Observer:        a.observe(),
		SkipMiddlewares: o.Recovery != nil && o.Recovery.SkipMiddlewares,
	})
	a.engine = engine.NewServer(o.Engine, func(s *engine.Session) engine.Receiver {
		return a.router.Open(s)
	})
	a.attach()
	return a
}

// Register discovers the handler methods of ns, a pointer to a namespace
// struct, and serves it at path: the path argument, else the struct's
// Path() method, else "/". Every handler signature is checked now; all
// problems come back at once in one error. A struct with a
// Middleware() []router.Middleware method gets that middleware around its
// connects and events, after the app's. Registering after serving started
// is an error wrapping errors.ErrServing.
func (a *App) Register(ns any, path ...string) error {
	p, err := namespacePath(ns, path)
	if err != nil {
		return err
	}
	table, err := dispatch.Compile(ns)
	if err != nil {
		return err
	}
	var mw []router.Middleware
	if m, ok := ns.(interface{ Middleware() []router.Middleware }); ok {
		mw = m.Middleware()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.serving {
		return fmt.Errorf("%w: cannot register %q", errors.ErrServing, p)
	}
	if _, dup := a.runtimes[p]; dup {
		return fmt.Errorf("%w: namespace %q is registered twice", errors.ErrRegistration, p)
	}
	rt, err := nsrt.New(p, nsrt.Options{Adapter: a.opts.Adapter, AckTimeout: a.opts.AckTimeout,
		Tracer: a.tracer, Logf: a.opts.Logf, ServerSide: table.ServerSide(), Observer: a.obs,
		Recovery: a.opts.Recovery.options(a.opts.Logf, table.RecoveryExpired())})
	if err != nil {
		return fmt.Errorf("%w: adapter for %q: %w", errors.ErrAdapter, p, err)
	}
	if err := a.router.Handle(rt, table, mw...); err != nil {
		rt.Close()
		return err
	}
	a.runtimes[p] = rt
	nsrt.Bind(ns, rt)
	return nil
}

// namespacePath picks the path of a namespace struct.
func namespacePath(ns any, path []string) (string, error) {
	p := "/"
	if d, ok := ns.(interface{ Path() string }); ok {
		p = d.Path()
	}
	switch len(path) {
	case 0:
	case 1:
		p = path[0]
	default:
		return "", fmt.Errorf("%w: Register takes one path, got %d", errors.ErrRegistration, len(path))
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%w: namespace path %q of %s must start with /", errors.ErrRegistration, p, reflect.TypeOf(ns))
	}
	return p, nil
}

// Of returns the namespace registered at path, to emit and manage rooms
// from anywhere (an HTTP handler, a goroutine); nil if none is.
func (a *App) Of(path string) *namespace.Namespace {
	a.mu.Lock()
	defer a.mu.Unlock()
	rt, ok := a.runtimes[path]
	if !ok {
		return nil
	}
	return (*namespace.Namespace)(nsrt.HandleOf(rt))
}

// ServeHTTP serves Socket.IO requests under Options.Path; other paths get
// 404.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, a.opts.Path) && r.URL.Path != strings.TrimSuffix(a.opts.Path, "/") {
		http.NotFound(w, r)
		return
	}
	a.start()
	a.engine.ServeHTTP(w, r)
}

// start closes registration on the first request.
func (a *App) start() {
	a.mu.Lock()
	if !a.serving {
		a.serving = true
		a.router.Serving()
	}
	a.mu.Unlock()
}

// Shutdown stops the app: every client is disconnected with reason
// "server shutting down" after its queued packets are flushed, within
// ctx's deadline, and the adapters are closed.
func (a *App) Shutdown(ctx context.Context) error {
	a.start()
	err := a.engine.Shutdown(ctx)
	a.detach()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, rt := range a.runtimes {
		if cerr := rt.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

func init() {
	inproc.Open = func(h http.Handler, sess dispatch.Session) (engine.Receiver, bool) {
		a, ok := h.(*App)
		if !ok {
			return nil, false
		}
		a.start()
		return a.router.Open(sess), true
	}
	inproc.Msgpack = func(h http.Handler) bool {
		a, ok := h.(*App)
		return ok && a.opts.Parser == ParserMsgpack
	}
	inproc.Sessions = func(h http.Handler) int {
		if a, ok := h.(*App); ok {
			return a.engine.Len()
		}
		return 0
	}
}
