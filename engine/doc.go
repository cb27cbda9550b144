// Package engine implements the server side of Engine.IO protocol v4: the
// transport layer under Socket.IO. It moves packets over HTTP long-polling
// and websocket, upgrades a polling session to websocket, keeps sessions
// alive with the server-initiated heartbeat and answers every routing error
// with the status and JSON body the protocol specifies.
//
// A Server is an http.Handler. For each new session it asks the
// application for a Receiver, which then gets every message the client
// sends, in order, and learns once why the session ended.
//
// # Concurrency
//
// Each session has one reader at a time (the polling POST being served, or
// the websocket's reader) and at most one writer at a time. On Linux a
// websocket has no reader goroutine while idle: one epoll instance per
// Server waits for readable sockets and a pooled worker reads one until it
// is empty; a websocket that keeps sending gets a reader goroutine of its
// own (Options.ReaderGoroutines bounds them; elsewhere, and for TLS
// connections, every websocket has one). The reader answers pings and
// queues every other packet, in order, in a bounded inbox, which one
// dispatcher at a time drains, calling Receiver.OnMessage: the reader
// itself, once it has parsed what it read, unless a dispatcher already
// runs. A handler that runs on the reader keeps it from reading; so a
// watchdog hands the reading to a new goroutine when a handler runs for
// more than 10 to 20 ms, and Session.WaitingForClient does so at once for
// a handler about to wait for its client. A Receiver that implements
// Interceptor may take a message at once instead (acknowledgements), on
// the reader. Writers start when something is queued and stop when
// the queue is empty. Websocket frames are parsed by the package itself
// (gorilla/websocket does the upgrade handshake): a message over
// MaxPayload is refused from its frame header, before it is buffered. Session.Send may be
// called from any goroutine; the packets of one call are queued atomically.
// The outgoing queue of a session is bounded by Options.MaxQueuedBytes: a
// client that does not read is disconnected (ReasonSlowConsumer) instead of
// growing the server's memory.
//
// # Memory
//
// What a client sends is bounded per session, in packets and in bytes: at
// most 16 messages wait for the Receiver, and Options.MaxInboundBytes
// bounds the bytes read but not yet handled (the waiting messages, the one
// being handled, a websocket message being assembled, a polling body).
// While a bound is reached the session is not read, so TCP back-pressure
// slows the client down; nothing it sent is dropped.
//
// # Ordering
//
// Where two requests of one client race on the server, the outcome is
// the one their bytes' order implies, whichever goroutine runs first:
//   - a polling request arriving while a websocket probe is open first
//     parses what the probe socket already holds, so a 5 (upgrade) sent
//     before it switches the session and the request gets 400;
//   - a close packet in a POST answers the GET sent along with it with a
//     noop, whether the GET arrived before or after it;
//   - a request for a session whose ping went unanswered for PingTimeout
//     finds it gone, however late the heartbeat timer runs;
//   - a websocket for a session that is upgrading or upgraded completes
//     its handshake and is closed, leaving the session alone.
//
// # Wire behaviour
//
// Packets queued for a websocket are written each as its own frame, but
// all frames queued at once go out in a single write. Packet data handed to
// Send is never copied or changed, so one encoding can be shared by every
// recipient of a broadcast.
package engine
