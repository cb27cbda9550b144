// Package emitter sends to the clients of a Socketeer (or Node socket.io)
// cluster from a process that serves none: a background worker, a cron
// job, an HTTP API. It publishes on Redis what Node's
// @socket.io/redis-emitter publishes, byte for byte in meaning, so the
// Redis adapter of every node (adapter/redis, or Node's
// @socket.io/redis-adapter) delivers it. It is Flask-SocketIO's write-only
// message_queue.
//
//	e := emitter.New(rdb, emitter.Options{})
//	e.Of("/chat").To("room1").Except("muted").Emit("news", item)
//	e.Of("/chat").In("room1").SocketsJoin("room2")
//	e.Of("/chat").To(socketID).DisconnectSockets(true)
//
// Publishing is fire-and-forget, as Redis pub/sub is: a nil error means
// Redis took the message, not that any client got it. Acknowledgements are
// not supported. An Emitter is never changed once made (each selecting
// method returns a new one), so it is safe for concurrent use. Errors wrap
// errors.ErrReservedEvent, errors.ErrEncode or, for a failed publish,
// errors.ErrAdapter.
package emitter
