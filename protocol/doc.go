// Package protocol is the Socket.IO v5 packet codec. It turns the text and
// binary messages carried by Engine.IO into Packets and back, and knows
// nothing about Engine.IO or transports.
//
// # Wire format
//
// A packet is one Engine.IO text message (the "4" message prefix is the
// transport's business):
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
//	0/admin,{"token":"1"}   CONNECT to /admin with auth
//	212["foo",1]            EVENT "foo" on / with ack id 12
//	3/admin,13["bar"]       ACK 13 on /admin
//	51-["up",{"_placeholder":true,"num":0}]  BINARY_EVENT, one attachment
//
// The type is one digit (see PacketType). Binary packets give their
// attachment count, and each []byte in the args is replaced by a
// placeholder object {"_placeholder":true,"num":i}; the attachments follow
// as separate binary messages. The namespace is omitted when it is "/".
//
// # Decoding
//
// A Decoder checks every rule of the protocol (packet type, attachment
// count, namespace, ack id, payload shape, reserved event names, binary
// placeholders that each name one attachment) and
// returns an error wrapping ErrInvalidPacket on any violation; the
// reference server then closes the connection. It copies what it keeps,
// so the caller may reuse its read buffer. SplitEvent and SplitArray cut
// a payload into raw arguments without decoding them; InlineAttachments
// and Reconstruct put the attachments back in place of the placeholders.
// PeekText looks at a text message ahead of the Decoder, for a reader that
// lets acknowledgements overtake its queue.
//
// # Encoding
//
// AppendEvent and AppendArgs build payloads, extracting []byte values as
// attachments; AppendPacket writes the packet header and payload. All
// three append to a caller's buffer.
//
// # Concurrency
//
// A Decoder holds the state of one connection (a binary packet waiting for
// its attachments) and is not safe for concurrent use: create one per
// connection, and feed it the connection's messages in order from one
// goroutine at a time. Everything else in the package is stateless and
// safe for concurrent use.
package protocol
