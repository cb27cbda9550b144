// Package namespace is what handlers use: Socket, one client's connection
// to one namespace (Emit, EmitWithAck, Join, Leave, To, Broadcast,
// Set/Get, Handshake, Disconnect); Namespace, the base struct a namespace
// struct embeds to broadcast (Emit, To, Except, FetchSockets,
// SocketsJoin, ...); and Operator, a chainable selection of sockets.
//
//	type Chat struct{ namespace.Namespace }
//
//	func (c *Chat) OnJoin(s *namespace.Socket, room string) {
//		s.Join(room)
//		s.To(room).Emit("joined", s.ID()) // everyone in room but s
//	}
//
// A namespace struct is registered with an app (app.App.Register), which
// binds the embedded Namespace to the namespace's state on this node;
// methods of a Namespace that is not registered fail with
// errors.ErrUnknownNamespace. What the library does with a socket
// (accepting it, delivering acks, detaching it) is not part of this
// package's API.
// Handler methods returning Args or RawArgs spread several ack args.
//
// # Concurrency
//
// Socket, Namespace and Operator are safe for concurrent use: a handler,
// an HTTP handler or a goroutine may emit at any time. Packets emitted to
// a socket while its OnConnect runs are held and sent right after the
// CONNECT reply.
package namespace
