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
// Each session has one reader (the websocket read loop, or the polling POST
// being served) and at most one writer at a time. The reader answers pongs
// and hands every other packet, in order, to a bounded inbox (16 packets;
// the reader stops reading while it is full) that a dispatcher drains on a
// pooled goroutine, calling Receiver.OnMessage; a Receiver that implements
// Interceptor may take a message at once instead (acknowledgements).
// Writers start when something is queued and stop when the queue is empty,
// so an idle websocket costs one shallow goroutine. Session.Send may be
// called from any goroutine; the packets of one call are queued atomically.
// The outgoing queue of a session is bounded by Options.MaxQueuedBytes: a
// client that does not read is disconnected (ReasonSlowConsumer) instead of
// growing the server's memory.
//
// # Wire behaviour
//
// Packets queued for a websocket are written each as its own frame, but
// all frames queued at once go out in a single write. Packet data handed to
// Send is never copied or changed, so one encoding can be shared by every
// recipient of a broadcast.
package engine
