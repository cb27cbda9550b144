// Package router is the handler contract: how the methods of a namespace
// struct become event handlers, and the types middleware and error
// handlers work with (Event, Handler, Middleware, Result, ErrorHandler,
// Validator). The app checks a struct against it at Register and
// dispatches to it; the dispatcher itself is internal.
//
// # Handler contract
//
// app.App.Register discovers the exported methods named On followed by an
// upper case letter on a pointer to a struct, and checks each signature
// once:
//
//	func (c *Chat) OnSendMessage([ctx context.Context,] s *namespace.Socket, args...) [results] [error]
//	func (c *Chat) OnConnect([ctx context.Context,] s *namespace.Socket[, auth T]) [error]
//	func (c *Chat) OnDisconnect([ctx context.Context,] s *namespace.Socket[, reason string])
//	func (c *Chat) OnError(s *namespace.Socket, event string, err error) [T]
//	func (c *Chat) OnAny([ctx context.Context,] s *namespace.Socket, event string, args []json.RawMessage) [results] [error]
//	func (c *Chat) OnServerSideEmit(event string, args []json.RawMessage) [T] [error]
//	func (c *Chat) OnRecoveryExpired(id string, data map[string]any)
//
// The rules:
//
//   - The event name is the method name without On, in snake case:
//     OnSendMessage handles "send_message", OnJSON "json", OnHTTPPing
//     "http_ping". An EventNames() map[string]string method maps method
//     names to other event names, such as "chat message" or "order:create".
//   - Event args are decoded from JSON into the parameters: structs (checked
//     with their validate tags), pointers, maps, slices, strings, numbers,
//     bools, []byte (binary attachments), json.RawMessage and any. The last
//     parameter may be ...json.RawMessage or ...any for the rest. The client
//     must send exactly as many args as the handler takes, or at least as
//     many when it is variadic.
//   - The results are the ack: one ack arg per result, then an optional
//     final error. A single namespace.Args or namespace.RawArgs result is
//     spread into several ack args.
//   - OnConnect may take the CONNECT auth payload decoded into any type; an
//     error refuses the connection (errors.Client(msg, data) becomes the
//     connect_error's message and data). Emits from OnConnect reach the
//     client right after the CONNECT reply.
//   - OnDisconnect runs exactly once per connected socket, with a reason:
//     "client namespace disconnect", "server namespace disconnect",
//     "transport close", "ping timeout", ...
//   - Events no method handles go to OnAny, or are ignored without one.
//   - OnServerSideEmit receives what other nodes send with
//     Namespace.ServerSideEmit (or an emitter's), on the adapter's
//     goroutine. Its result, if any, is its answer to a
//     Namespace.ServerSideEmitWithAck (one value, as a Node listener's
//     callback); a non-nil error means no answer and goes to
//     app.Options.Logf.
//   - With connection state recovery on (app.Options.Recovery),
//     OnConnect runs for a recovered socket too, where
//     s.Recovered() is true; OnRecoveryExpired(id, data) runs, on a timer's
//     goroutine, for each disconnected socket that will not come back: its
//     recovery window passed or its recovery was refused. It is where an
//     app drops presence it kept past OnDisconnect.
//   - Methods with a wrong signature are never skipped: Register returns an
//     error naming each Type.Method, the signature found and the one
//     allowed, all at once, every one wrapping errors.ErrRegistration.
//     Methods on the pointer receiver of a struct passed by value get "pass
//     a pointer"; methods promoted from namespace.Namespace are not events;
//     Socket.IO's reserved event names are refused.
//
// The common shapes, func(s) [error] and func(s, string) [error], and the
// raw ...json.RawMessage handlers are called without reflect.Call; others
// use it once per event.
//
// # Middleware
//
// A Middleware wraps the Handler of every connect (Event.Name "connect",
// the auth payload as its only arg) and event. App-wide middleware
// (app.Options.Middleware) runs first, in order, then the namespace's (its
// struct's Middleware() []Middleware method). A middleware refuses a
// connect or an event by returning an error without calling next.
//
// # Concurrency
//
// The events of one socket are handled one at a time, in the order they
// arrived, by the connection's dispatcher (a pooled goroutine), while the
// connection's reader reads ahead into a bounded queue: a handler that
// blocks delays its connection's later events. Acknowledgements overtake
// the queue (the client's Intercept), so a handler may wait for the ack of
// an emit to its own socket with Socket.EmitWithAck. Different connections
// run concurrently, so handlers that share state lock it. Registration
// closes when the first client connects; the dispatch table is then read
// without locks.
//
// # Errors
//
// A handler's error, an arg that does not decode (*errors.DecodeError), a
// failed validation (*errors.ValidationError) and a recovered panic
// (*errors.PanicError, its stack sent to the tracer) go to the namespace's
// OnError, else to the app's error handler, else to the built-in one,
// which logs the error to app.Options.Logf and acks errors.Wire(err,
// debug): internal error
// text reaches the client only when debug is on. The error handler's
// result is the ack, when the client asked for one. The connection and the
// process live on.
package router
