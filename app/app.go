package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// Options configures an App. The zero value serves Socket.IO at
// /socket.io/ with the reference server's defaults.
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
	// go-playground/validator).
	Validator router.Validator
	// Debug switches the event tracer on from the start, as Debug(true)
	// or the environment variable SOCKETEER_DEBUG=1 do.
	Debug bool
	// DebugOptions configures the tracer (output, JSON, truncation).
	DebugOptions debug.Options
	// Logf logs errors that no error handler took.
	Logf func(format string, args ...any)
}

// App is a Socket.IO server: it wires the Engine.IO transports, the router
// and the namespaces. It is an http.Handler.
type App struct {
	opts   Options
	engine *engine.Server
	router *router.Router

	mu       sync.Mutex
	serving  bool
	runtimes map[string]*namespace.Runtime
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
	a := &App{opts: o, runtimes: make(map[string]*namespace.Runtime)}
	a.router = router.New(router.Options{
		ConnectTimeout: o.ConnectTimeout,
		Validator:      o.Validator,
		Logf:           o.Logf,
	})
	a.engine = engine.NewServer(o.Engine, func(s *engine.Session) engine.Receiver {
		return a.router.Open(s)
	})
	if o.Debug || os.Getenv("SOCKETEER_DEBUG") == "1" {
		a.Debug(true)
	}
	return a
}

// Register discovers the handler methods of ns, a pointer to a namespace
// struct, and serves it at path: the path argument, else the struct's
// Path() method, else "/". Every handler signature is checked now; all
// problems come back at once in one error. Registering after serving
// started is an error.
func (a *App) Register(ns any, path ...string) error {
	p, err := namespacePath(ns, path)
	if err != nil {
		return err
	}
	table, err := router.Compile(ns)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.serving {
		return fmt.Errorf("%w: cannot register %q", errors.ErrServing, p)
	}
	if _, dup := a.runtimes[p]; dup {
		return fmt.Errorf("%w: namespace %q is registered twice", errors.ErrRegistration, p)
	}
	rt, err := namespace.NewRuntime(p, namespace.RuntimeOptions{Adapter: a.opts.Adapter, AckTimeout: a.opts.AckTimeout})
	if err != nil {
		return fmt.Errorf("socketeer: adapter for %q: %w", p, err)
	}
	if err := a.router.Handle(rt, table); err != nil {
		rt.Close()
		return err
	}
	rt.SetTracer(a.tracer())
	a.runtimes[p] = rt
	namespace.Attach(ns, rt)
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

// Use adds middleware that runs around every connect and event of every
// namespace.
func (a *App) Use(mw ...router.Middleware) error { return a.router.Use(mw...) }

// UseFor adds middleware to the namespace at path only.
func (a *App) UseFor(path string, mw ...router.Middleware) error { return a.router.UseFor(path, mw...) }

// OnError sets the app's default error handler, used by namespaces that
// have no OnError method (Flask-SocketIO's on_error_default).
func (a *App) OnError(h router.ErrorHandler) error {
	return a.router.Configure(func(o *router.Options) { o.OnError = h })
}

// Debug switches the event tracer on or off before serving: when on, every
// packet in and out, each handler call and each connection is written to
// Options.DebugOptions.Output (stderr by default), and error handlers may
// show internal error text to clients.
func (a *App) Debug(on bool) error {
	var t *debug.Tracer
	if on {
		t = debug.New(a.opts.DebugOptions)
	}
	err := a.router.Configure(func(o *router.Options) { o.Tracer, o.Debug = t, on })
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, rt := range a.runtimes {
		rt.SetTracer(t)
	}
	return nil
}

func (a *App) tracer() *debug.Tracer {
	var t *debug.Tracer
	a.router.Configure(func(o *router.Options) { t = o.Tracer })
	return t
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
	return namespace.Of(rt)
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

// Open serves an in-process connection over sess and returns the receiver
// of its messages. apptest uses it; servers do not need it.
func (a *App) Open(sess router.Session) engine.Receiver {
	a.start()
	return a.router.Open(sess)
}

// Shutdown stops the app: every client is disconnected with reason
// "server shutting down" after its queued packets are flushed, within
// ctx's deadline, and the adapters are closed.
func (a *App) Shutdown(ctx context.Context) error {
	a.start()
	err := a.engine.Shutdown(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, rt := range a.runtimes {
		if cerr := rt.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// Engine returns the Engine.IO server, for its session count.
func (a *App) Engine() *engine.Server { return a.engine }
