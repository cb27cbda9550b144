// Package msgpack is the MessagePack packet codec of Socket.IO, wire
// compatible with socket.io-msgpack-parser 3.x (which encodes with
// notepack.io 2.2) and with python-socketio's msgpack serializer.
//
// # How it plugs in
//
// The msgpack parser replaces the JSON text form of a packet, not the
// packet: Decoder.Decode returns the *protocol.Packet the JSON parser's
// Decoder returns for the same packet (Data as JSON text, binary values as
// placeholders plus Attachments, the Binary types when there are any),
// and AppendPacket takes such a packet back to a frame. The router,
// handlers, typed argument decoding, validation and the adapter keep
// working on that one form and never learn which parser a socket uses.
//
// On the wire every packet, of every type and in both directions, is one
// Engine.IO binary message holding one MessagePack map; there are no
// attachment messages and no text messages:
//
//   - websocket: one binary frame per packet, both ways;
//   - polling: in a payload each packet is a "b"-prefixed base64 element
//     ("b" + base64(frame), joined by \x1e as usual), as engine.io-client
//     encodes binary messages in both directions;
//   - receiving: the engine hands every binary message to Decode as one
//     whole packet; a text message on a msgpack connection is a parse
//     error, as is any Decode error (close with "parse error").
//
// The server's emit path may skip JSON: AppendEvent and AppendAck encode
// Go values directly into a frame identical to what AppendPacket writes
// for the JSON form of the same packet. A broadcast is encoded once per
// parser (AppendPacket on the adapter's parser-neutral JSON packet).
//
// # The packet
//
// A packet is a map with the members type (0 CONNECT, 1 DISCONNECT,
// 2 EVENT, 3 ACK, 4 CONNECT_ERROR: there are no binary types), nsp (always
// present), data (absent when undefined) and id (absent when there is no
// ack). Readers ignore other members (socket.io-client adds "options") and
// member order. Writers put them in socket.io 4.8's order: type, data, id,
// nsp, except id, type, data, nsp for an ACK.
//
// # Values
//
// notepack writes a JavaScript number as the shortest integer form when
// it is integral and finite, else as float 64 (never float 32); strings as
// fixstr or str 8/16/32; a Buffer as bin 8/16/32; an ArrayBuffer or typed
// array as ext 8/16/32 of type 0 (even when short); undefined as fixext 1
// of type 0 (d4 00 00); a Date as fixext 8 of type 0 holding its
// milliseconds; objects as maps of their enumerable members in insertion
// order, undefined members included.
//
// Decoded values are mapped to the JSON the JSON parser would have
// carried (AppendJSON): bin and ArrayBuffer are attachments, undefined
// members vanish, a Date is its ISO string. This, rather than a tree of Go
// values, is what the router wants: its typed argument decoding,
// validation, placeholders, acks and adapter all work on raw JSON, and
// msgpack then needs no second copy of them. Decode gives the generic
// tree (json.Unmarshal's types, with []byte for binary) when one is
// needed. Append goes the other way, from Go values to the bytes notepack
// would write for the JSON form of the value.
//
// # Limits
//
// Every length in the input is checked against the bytes that remain
// before anything is allocated, so a header announcing 4 GiB fails at
// once, and nesting deeper than Limits.MaxDepth (DefaultMaxDepth) is
// refused: decoding uses memory proportional to the frame. Errors wrap
// the sentinels ErrMalformed, ErrTooDeep, ErrInvalidJSON, ErrNotEncodable
// and, for packets, ErrInvalidPacket (protocol.ErrInvalidPacket).
//
// # Concurrency
//
// A Decoder belongs to one connection's reader goroutine. Everything else
// is stateless and safe for concurrent use.
package msgpack
