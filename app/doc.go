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
// contract) and binds the struct's embedded namespace.Namespace. Use and
// UseFor add middleware, OnError the app-wide error handler, Debug the
// tracer. All of them fail with errors.ErrServing once the first client
// connected: the configuration is then frozen. Of returns a registered
// namespace for emitting from outside a handler; Shutdown disconnects
// every client and closes the adapters.
//
// Open serves an in-process connection without a network; package apptest
// builds its test client on it.
//
// # Concurrency
//
// An App is safe for concurrent use. Each connection's events are handled
// in order on its own goroutine; see package router.
package app
