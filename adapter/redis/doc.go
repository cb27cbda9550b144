// Package redis is a multi-node adapter on Redis pub/sub, wire-compatible
// with Node's @socket.io/redis-adapter (the classic RedisAdapter, version
// 8) and @socket.io/redis-emitter, so that Socketeer and Node socket.io
// servers on one Redis form one cluster.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	a := app.New(app.Options{Adapter: redisadapter.New(rdb, redisadapter.Options{})})
//
// # What crosses nodes
//
// Broadcasts (to everyone, to rooms, with Except, volatile), broadcasts
// with acknowledgements, FetchSockets, SocketsJoin, SocketsLeave,
// DisconnectSockets and ServerSideEmit. An operation marked Local stays on
// this node. Rooms are kept by each node for its own sockets (an
// adapter.Memory); nothing is stored in Redis.
//
// # Delivery and failures
//
// Redis pub/sub delivers at most once: what is published while a node is
// disconnected from Redis is lost for that node (a publish made just before
// Redis comes back may still get through on go-redis's retries, never
// twice). Publishing is
// asynchronous, through a bounded queue and pipelines, so a slow or
// unreachable Redis never blocks a handler; local delivery always happens.
// The factory fails with ErrUnreachable when Redis does not answer at
// start. When the connection drops later, go-redis reconnects and
// resubscribes on its own; meanwhile the node keeps serving its local
// sockets, BroadcastWithAck stays local and FetchSockets returns the local
// sockets with an error.
//
// Requests wait for every node counted by PUBSUB NUMSUB on the request
// channel, at most Options.RequestsTimeout; then the answers that came are
// returned with an error wrapping ErrTimeout. A node that stopped is no
// longer subscribed and is not waited for.
//
// # Connection state recovery
//
// This adapter cannot recover sockets (app.Options.Recovery), on one node
// or across nodes: Redis pub/sub keeps nothing, the events other nodes
// broadcast reach local sockets without passing through a log, and a
// disconnected socket's session would live in one node's memory. With
// recovery on, a namespace served by this adapter logs that recovery is
// off and runs without it, like Node's @socket.io/redis-adapter. Use
// adapter/redisstreams (Node's @socket.io/redis-streams-adapter) to recover
// across nodes. See docs/recovery.md and docs/redis.md.
//
// # Concurrency
//
// Each namespace's adapter has one subscription connection and two
// goroutines: one handles received messages in order, one publishes.
// Close stops both. Local.ServerSideEvent is called on the receiving
// goroutine and must not block.
package redis
