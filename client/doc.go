// Package client is a Socket.IO v5 client (Engine.IO v4) for Go services,
// bots, tests and load generators. It talks to Socketeer, to Node's
// socket.io 4.x and to python-socketio 5.x servers.
//
// # Overview
//
// A Manager is one connection to a server; it carries the Sockets of any
// number of namespaces, each with its own auth:
//
//	m, err := client.NewManager("http://127.0.0.1:3000", client.Options{})
//	if err != nil { ... }
//	defer m.Close()
//	s := m.Socket("/chat", client.SocketOptions{Auth: map[string]string{"token": "123"}})
//	s.On("message", func(from string, text string) { ... })
//	if err := s.Connect(ctx); err != nil { ... } // a *ConnectError if refused
//	s.Emit("send", "hello")
//	reply, err := s.EmitWithAck(ctx, "count")
//	var n int
//	err = reply.Decode(&n)
//
// A struct's On<Event> methods are handlers too, found and checked by
// Register with the server's rules (internal/dispatch does both), taking
// the *Socket first as a server handler takes its *namespace.Socket:
//
//	type Bot struct{}
//	func (b *Bot) OnQuestion(s *client.Socket, n int) (string, error) { ... }
//	func (b *Bot) OnDisconnect(s *client.Socket, reason string) { ... }
//	err := s.Register(&Bot{})
//
// Handlers are set with On or Register before Connect, so that no event sent right
// after the connection is missed. Their signatures are checked by On;
// their args are decoded into the parameters' types; their results
// acknowledge the event when the server asked for an acknowledgement.
// []byte values travel as binary attachments, both ways.
//
// # Transports
//
// By default the Manager opens on HTTP long-polling and upgrades to a
// websocket; Options.Transports selects websocket only or polling only.
// Options.Header, Query and TLSConfig apply to every request.
//
// # Reconnection
//
// When the connection is lost the Manager reconnects as socket.io-client
// does: the delay starts at Options.ReconnectDelay, doubles with each
// attempt up to ReconnectDelayMax, with jitter; ReconnectAttempts bounds
// the attempts. Each socket that was connected sends its CONNECT (with its
// auth) again. Emits made while a socket is disconnected are buffered, up
// to Options.MaxBuffer, and sent once it connects; Volatile emits are
// dropped instead. A socket that the server disconnected, or refused, does
// not reconnect by itself.
//
// Callbacks: Socket.OnConnect, OnDisconnect (with the reason),
// OnConnectError (a *ConnectError carrying the server's message and data,
// or a transport error), and Options.OnReconnectAttempt, OnReconnect,
// OnReconnectFailed.
//
// # Connection state recovery
//
// When the server offers connection state recovery (socket.io 4.6+ with
// connectionStateRecovery on), each socket keeps the session id of the
// server's CONNECT reply and the offset of the last event it received, and
// sends both with its auth when it reconnects; the offsets are stripped
// from the events' args before the handlers see them. Socket.Recovered
// reports whether the server took the session back up: then the socket
// kept its id and rooms, and the events missed meanwhile arrive.
//
// # Concurrency
//
// Managers and Sockets are safe for concurrent use. Each connection has
// one reader goroutine, which also answers the server's pings, and one
// writer goroutine: writes never race. The handlers and callbacks of one
// socket run one at a time, in the order their packets arrived, on a
// goroutine that exists only while there is work; a slow handler delays
// its socket's next events but not the heartbeat. Close waits for every
// goroutine of the Manager, running handlers included, to return.
//
// # Testing with package apptest
//
// Package apptest stays the in-process test client, not a Manager over an
// in-memory pipe: its Emit and EmitWithAck return once the server's
// handler ran, with what the server sent back already in Received, so a
// test reads like a call and needs no waiting. A Manager is asynchronous
// by design (reader, writer and handler goroutines, reconnection), which
// over a pipe would make those same tests wait for events. What both
// share is the server's code: handler args and replies decode with
// router.DecodeArg, refusals unwrap to the server's *errors.ClientError,
// and the sentinels match package errors'. To test a Go client against
// an app, serve the app with httptest.NewServer and point a Manager at it.
//
// # Errors
//
// Sentinels start with "socketeer: " and are checked with errors.Is:
// ErrBufferFull, ErrDisconnected, ErrClosed, ErrConnectRefused (matched by
// every *ConnectError, which also unwraps to the server's
// *errors.ClientError), ErrReconnectFailed, ErrHandlerQueueFull, and from
// package errors, ErrRegistration (a bad handler), ErrReservedEvent and
// ErrAckTimeout (EmitWithAck's context ended first). Each client sentinel
// also matches one of package errors: ErrConnectFailed, ErrBufferFull,
// ErrSocketClosed or ErrSlowConsumer. Handler args that do not decode give
// a *errors.DecodeError (errors.ErrArgs), args that fail validation a
// *errors.ValidationError, as on the server.
package client
