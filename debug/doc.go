// Package debug is Socketeer's event tracer: switch it on to see every
// packet that comes in and goes out, every handler call with its duration
// and error, recovered panics with their stacks, connections, disconnections
// and Engine.IO session events.
//
// This package holds the tracer's [Options] and documents what it writes;
// the tracer itself is internal (the only place that imports
// github.com/rs/zerolog).
//
// # Switching it on
//
// The tracer is configured once, where the app is made:
//
//	a := app.New(app.Options{Debug: true, DebugOptions: debug.Options{JSON: true}})
//
// or by setting SOCKETEER_DEBUG=1 in the environment. With the tracer off,
// tracing costs one nil check per packet and allocates nothing. Debug also
// lets the built-in error handler show internal error text to clients, so
// keep it for development.
//
// # Output
//
// The console format, the default, is one line per event for a terminal:
//
//	12:04:05.123 DBG ← EVENT /chat sid=Xq3 event=send_message ack=4 args=[{"text":"hi"}] eio=k2M
//	12:04:05.124 DBG handler /chat sid=Xq3 event=send_message handler=Chat.OnSendMessage dur=1.2ms
//	12:04:05.124 DBG → ACK /chat sid=Xq3 ack=4 args=[{"ok":true}]
//
// ← is a packet received, → a packet sent. Colors are used when the output
// is a terminal, unless Options.NoColor is set or NO_COLOR is in the
// environment.
//
// With Options.JSON the tracer writes one JSON object per line instead,
// with "level", "time" (RFC 3339, microseconds) and "message" (what the
// line is about: "packet", "handler", "blocked handler", "handler panicked",
// "connect", "connect refused", "disconnect" or "engine"), and, where they
// apply:
//
//	dir          "in" or "out"
//	sid, eio     the Socket.IO socket id and the Engine.IO session id
//	nsp          the namespace
//	type         the packet type, like "EVENT" or "BINARY_ACK"
//	event        the event name
//	ack          the acknowledgement id
//	args         the arguments: JSON if still valid after cutting, else a string
//	attachments  the number of binary attachments
//	recipients   the number of sockets a broadcast went to
//	handler      the handler method, like "Chat.OnSendMessage"
//	dur_us       how long the handler ran, in microseconds
//	error        the error's text
//	auth         the CONNECT auth payload, "[redacted]" unless Options.LogAuth
//	remote       the client's address
//	reason       why a socket disconnected
//	what         what happened to an Engine.IO session
//	panic        the value a handler panicked with
//	stack        the stack of the panicking goroutine
//
// Arguments and auth payloads longer than Options.MaxArgBytes are cut and
// end with "…". The tracer ignores zerolog's global level, so an
// application that lowers it for its own logs still gets its traces.
//
// # Concurrency
//
// A Tracer is safe for concurrent use. Each line is one write to
// Options.Output, and writes are serialized, so lines never interleave.
package debug
