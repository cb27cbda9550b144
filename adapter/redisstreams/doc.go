// Package redisstreams is a multi-node adapter on Redis Streams,
// wire-compatible with Node's @socket.io/redis-streams-adapter (version
// 0.3), so that Socketeer and Node socket.io servers on one Redis form one
// cluster, and a client can recover its connection state on any node.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	a := app.New(app.Options{
//		Adapter:  redisstreams.New(rdb, redisstreams.Options{}),
//		Recovery: &app.Recovery{Window: 2 * time.Minute},
//	})
//
// # What crosses nodes, and how
//
// Broadcasts, SocketsJoin, SocketsLeave and DisconnectSockets are added to
// one stream (XADD with MAXLEN ~ Options.MaxLen, default 10,000 entries),
// each entry holding the fields uid, nsp, type (a decimal string) and
// data: JSON, or base64 msgpack when the payload holds binary values.
// Every process reads the stream with XREAD BLOCK on one connection,
// shared by its namespaces, from where the stream ended when its first
// namespace started. Broadcasts with acknowledgements, ServerSideEmit
// (with or without acks) and FetchSockets go over pub/sub instead, in
// msgpack, on the channel "socket.io#<nsp>#"; answers go to the
// requester's "socket.io#<nsp>#<uid>#". The number of nodes is the
// number of subscribers of that channel (PUBSUB NUMSUB): one per process.
// The messages are socket.io-adapter's ClusterAdapter messages
// (internal/clusteradapter).
//
// # Connection state recovery across nodes
//
// With app.Options.Recovery set, the offset of each broadcast is its
// stream entry id, and a socket that lost its connection is saved in
// Redis under Options.SessionKeyPrefix + its private id, msgpack then
// base64 ({sid, pid, rooms, data}), with SET PX = the window, as Node
// does. A client that comes back to any node (Socketeer or Node) gets its
// socket back: the session is read and deleted in one MULTI, the stream
// must still hold the client's offset, and the broadcasts of the
// namespace after it that select the socket's rooms are its missed
// packets. Recovery.MaxPackets and MaxBytes cap them per session;
// MaxTotalBytes does not apply, the stream's MaxLen being the global cap.
// See docs/recovery.md for what runs OnRecoveryExpired across nodes.
//
// With recovery on, a broadcast waits for its XADD (to learn its offset)
// before it is delivered to local sockets; off, it still waits for it, so
// that the stream order is the order of the calls. A restore holds the
// namespace's broadcasts and stream reads on this node for its Redis
// round trips, so that the restored socket gets each packet once: among
// the missed ones or live.
//
// # Failures
//
// The factory fails with ErrUnreachable when Redis does not answer at
// start. An XADD or PUBLISH that fails is returned to the caller after
// local delivery. The reader retries every second while Redis is down;
// what was added meanwhile is read when it comes back (the stream keeps
// it), unlike pub/sub. Requests wait for every node counted, at most
// Options.RequestsTimeout, then return what came with an error wrapping
// ErrTimeout.
//
// # Concurrency
//
// A factory's namespaces share two goroutines: the stream reader and the
// pub/sub receiver; both stop when the last namespace's adapter closes.
// Local.ServerSideEvent is called on the receiver and must not block.
package redisstreams
