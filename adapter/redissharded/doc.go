// Package redissharded is a multi-node adapter on Redis sharded pub/sub
// (SPUBLISH and SSUBSCRIBE, Redis 7.0 or later), wire-compatible with the
// adapter of Node's @socket.io/redis-adapter createShardedAdapter (version
// 8.3), so that Socketeer and Node socket.io servers on one Redis Cluster
// form one cluster.
//
//	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
//	a := app.New(app.Options{Adapter: redissharded.New(rdb, redissharded.Options{
//		SubscriptionMode: redissharded.Dynamic,
//	})})
//
// On a Redis Cluster, a sharded channel lives on the shard that serves its
// slot: messages of different namespaces, and in the dynamic modes of
// different rooms, go through different shards, so the cluster's pub/sub
// capacity grows with its shards, where classic pub/sub sends every
// message to every node of the cluster. A *redis.Client on one Redis 7
// server works too.
//
// # Channels and subscription modes
//
// With the key prefix "socket.io" (the default) and namespace "/chat":
//
//	socket.io#/chat#          every message of the namespace (requests included)
//	socket.io#/chat#<uid>#    the answers to the node uid
//	socket.io#/chat#<room>#   broadcasts to exactly one room (dynamic modes)
//
// In Static mode a node subscribes to the first two. In Dynamic mode it
// also subscribes to the channel of each room that has local members,
// when the room gets its first and until it loses its last, and a
// broadcast to exactly one room goes on that room's channel, unless the
// room name has 20 characters (it looks like a socket id). DynamicPrivate
// does the same for every room, each socket's own room included. A
// broadcast to several rooms, with Except only, or with acknowledgements,
// and every request go on the namespace's channel. Every node of a
// cluster must use the same mode; Node's default is Dynamic, this
// package's zero value Static.
//
// # Messages
//
// Every message is socket.io-adapter's ClusterAdapter message {uid, nsp,
// type, data} (see internal/clusteradapter), encoded whole as JSON, or as
// msgpack when it carries binary values. The number of nodes is the
// number of subscribers of the namespace's channel (PUBSUB SHARDNUMSUB,
// asked of the node that serves it).
//
// # What crosses nodes
//
// Broadcasts (to everyone, to rooms, with Except, volatile, binary),
// broadcasts with acknowledgements, FetchSockets, SocketsJoin,
// SocketsLeave, DisconnectSockets, ServerSideEmit, and
// ServerSideEmitWithAck (adapter.ServerSideAcker). Rooms are kept by each
// node for its own sockets; nothing is stored in Redis. Connection state
// recovery is not available, as with adapter/redis.
//
// # Delivery and failures
//
// Sharded pub/sub delivers at most once. Publishing is asynchronous,
// through a bounded queue and pipelines, so a slow or unreachable shard
// never blocks a handler; local delivery always happens. When a shard's
// master stops, what is published to its channels meanwhile is lost (the
// publish fails and is logged), and so is what other nodes publish there
// until this node has subscribed again; the other shards' channels keep
// working. The subscription connection to that shard fails; the adapter
// subscribes its channels again, on whichever node serves them then (the
// promoted replica, or the master once restarted), retrying with a
// growing delay up to 2s, and logs when its subscriptions are restored.
// Requests (FetchSockets and the like) need the namespace's channel: while
// its shard is down they return the local answers with an error. The
// factory fails with ErrUnreachable when Redis does not answer at start.
//
// # Concurrency
//
// Each namespace's adapter has one subscription connection, with its
// receiving goroutine, per Redis node that serves one of its channels, one
// goroutine that applies subscription changes and one that publishes.
// Close stops them all. Messages of one channel are handled in order;
// messages of channels on different shards may be handled concurrently.
// Local.ServerSideEvent is called on a receiving goroutine and must not
// block.
package redissharded
