// Package rediswire is the message format of Node's @socket.io/redis-adapter
// (the classic pub/sub RedisAdapter, version 8) and @socket.io/redis-emitter
// (version 5): channel names, request types, and the conversion between
// Socket.IO packets and the msgpack values those libraries publish.
//
// The Redis adapter (package adapter/redis) and the emitter (package
// emitter) share it; users of either do not need it.
//
// # Channels
//
// With the key prefix "socket.io" (the default) and namespace "/chat":
//
//	socket.io#/chat#          broadcast to the namespace (msgpack [uid, packet, opts])
//	socket.io#/chat#room1#    broadcast to exactly one room
//	socket.io-request#/chat#  requests between nodes (JSON, or msgpack for BROADCAST)
//	socket.io-response#/chat# responses (JSON, or msgpack for BROADCAST_ACK)
//
// A node subscribes to the pattern "socket.io#/chat#*" and to the request,
// response and "socket.io-response#/chat#<uid>#" channels. The number of
// subscribers of the request channel (PUBSUB NUMSUB) is the number of
// nodes serving the namespace; emitters do not subscribe.
//
// # Packets
//
// A broadcast packet is the msgpack map {type: 2, data: [event, ...args],
// nsp}; binary args are msgpack bin values (Buffers in Node). Options are
// {rooms: [...], except: [...], flags: {...}}. Socketeer keeps args as JSON
// with binary attachments beside it: FromPayload and ToPayload convert.
package rediswire
