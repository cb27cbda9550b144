// Package clusteradapter is the transport-independent part of the
// multi-node adapters that follow socket.io-adapter's ClusterAdapter (the
// base class of Node's @socket.io/redis-streams-adapter and of the sharded
// adapter of @socket.io/redis-adapter): the messages nodes exchange, their
// payloads, the requests that wait for the other nodes' answers, and what a
// node does with a message it receives, applied to an adapter.Memory.
//
// A transport (such as adapter/redisstreams) moves messages between nodes
// and implements Transport: publish a message to every node, publish a
// response to one node, count the nodes. It hands what it receives to
// Adapter.OnMessage. How a message is encoded (JSON, msgpack, stream entry
// fields) is the transport's; the shapes are here, tagged for both JSON and
// msgpack with Node's field names.
//
// # Messages
//
// Every message is {uid, nsp, type, data}. The types, numbered as
// socket.io-adapter 2.5 numbers them, and their data:
//
//	BROADCAST (3)                 {packet, opts}; with acks also requestId
//	SOCKETS_JOIN (4), _LEAVE (5)  {opts, rooms}
//	DISCONNECT_SOCKETS (6)        {opts, close}
//	FETCH_SOCKETS (7)             {opts, requestId}
//	FETCH_SOCKETS_RESPONSE (8)    {requestId, sockets}
//	SERVER_SIDE_EMIT (9)          {packet: [event, ...args]}; with an ack also requestId
//	SERVER_SIDE_EMIT_RESPONSE (10){requestId, packet: the ack's argument}
//	BROADCAST_CLIENT_COUNT (11)   {requestId, clientCount}
//	BROADCAST_ACK (12)            {requestId, packet: the client's ack argument}
//
// where packet (of a BROADCAST) is the Socket.IO packet {type: 2, data:
// [event, ...args], nsp} and opts is {rooms, except, flags}. The heartbeat
// types (1, 2) and ADAPTER_CLOSE (13) belong to ClusterAdapterWithHeartbeat,
// which the adapters built here do not follow: they count nodes through
// their transport, and ignore those messages.
//
// # Requests
//
// FetchSockets, ServerSideEmitWithAck and BroadcastWithAck wait for one
// answer per other node, as many as Transport.ServerCount reports minus
// this one. FetchSockets and ServerSideEmitWithAck give up after
// Options.RequestsTimeout (Node's 5 seconds) and return what came with an
// error wrapping Options.ErrTimeout; BroadcastWithAck forgets its request
// after Options.AckTimeout.
//
// # Offsets
//
// When Transport.Publish returns an offset (a Redis stream entry id), a
// broadcast that is an event without ack and not volatile is delivered to
// local sockets with the offset as its last argument, as Node's
// addOffsetIfNecessary does for connection state recovery; OnMessage does
// the same with the offset its transport passes.
package clusteradapter
