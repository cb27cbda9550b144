// Package app is a Socket.IO server: an http.Handler that serves the
// Engine.IO transports and dispatches events to the namespace structs
// registered with it.
//
//	type Chat struct{ namespace.Namespace }
//
//	func (c *Chat) OnSendMessage(s *namespace.Socket, m Message) error {
//		return c.To(m.Room).Emit("message", m)
//	}
//
//	a := app.New(app.Options{})
//	if err := a.Register(&Chat{}, "/chat"); err != nil {
//		log.Fatal(err) // names every handler with a wrong signature
//	}
//	log.Fatal(app.NewHTTPServer(":8080", a).ListenAndServe())
//
// Register checks every handler now (see package router for the handler
// contract) and binds the struct's embedded namespace.Namespace. Of returns
// a registered namespace for emitting from outside a handler; Shutdown
// disconnects every client and closes the adapters. Package apptest
// connects in-process test clients to an App without a network.
//
// # Configuration
//
// One rule, the same in every package: configuration is an options struct,
// read once where the thing is made, whose zero fields mean their
// defaults. New reads Options (middleware, the error handler, the tracer,
// the log sink, timeouts, the adapter, the validator, the parser,
// connection state recovery) and nothing changes them afterwards: there
// are no setters. What belongs to one namespace is declared on its struct,
// next to its handlers: Path() for its path, Middleware() for its own
// middleware, OnError for its error handler, EventNames() for event names.
// Register is the one call that adds to an App; after the first client
// connected it fails with errors.ErrServing.
//
// # Logging
//
// Options.Logf is the app's one log sink, for what no handler or caller
// sees: errors no error handler took, connections closed for breaking the
// protocol, adapter failures such as a failed Redis publish. The router and
// the adapters write to it (an adapter's own Logf option overrides it for
// that adapter); the default is the tracer when Debug is on, else
// log.Printf.
//
// # Connection state recovery
//
// Options.Recovery lets a client that lost its connection come back within
// a window with the same socket id, rooms and data, and get the events it
// missed, as socket.io-client 4.6+ expects; each bound it has (per session
// in packets and bytes, per namespace in bytes) refuses only the sessions
// it touches. Socket.Recovered tells OnConnect, and a namespace struct's
// OnRecoveryExpired(id, data) learns of sessions that will not come back.
// It needs the in-memory adapter. See docs/recovery.md.
//
// # Concurrency
//
// An App is safe for concurrent use. Each connection's events are handled
// in order on its own goroutine; see package router.
package app
