// Package eioclient is the client side of Engine.IO v4: the handshake, the
// HTTP long-polling and websocket transports, the upgrade from polling to
// websocket, the heartbeat and the close (protocol.md, part 1).
//
// Dial opens a Conn. A Conn has one reader goroutine, which reads the
// current transport, answers the server's pings and hands every message to
// Options.OnMessage, and one writer goroutine, which drains a bounded queue
// of outgoing packets: nothing else writes to a transport, so writes never
// race. While a polling connection upgrades, a third, short-lived goroutine
// probes the websocket; once the probe succeeds it pauses polling (waits
// for the GET and the POST in flight to return), sends the upgrade packet
// and hands the websocket to the reader and the writer.
//
// A Conn ends once: because the server closed it, a transport failed, no
// ping came within pingInterval+pingTimeout, or Close was called. Done is
// closed when every goroutine of the Conn has returned, and Reason then
// says why it ended.
//
// The package knows nothing of Socket.IO; package client builds on it.
package eioclient
