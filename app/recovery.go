package app

import (
	"time"

	"github.com/socketeer/socketeer/internal/recovery"
)

// Recovery configures connection state recovery (Socket.IO 4.6's
// connectionStateRecovery); see docs/recovery.md. Zero fields mean their
// defaults.
//
// With recovery on, the CONNECT reply carries a private session id, and
// every event sent without ack and not volatile carries an offset as its
// last argument (socket.io-client passes it on to its listeners, as with
// Node's server). A socket whose connection was lost (transport close or
// error, ping timeout, closed by the server or its shutdown) keeps its
// id, rooms and data for Window; a client that comes back within it gets
// them back, and every event it missed, in order, before any new one.
// Namespace disconnects, by the client or the server, keep nothing.
//
// Each bound refuses the recovery of the sessions it touches, and only
// those: their clients connect as new sockets, the app's log sink gets a
// line saying which cap, and OnRecoveryExpired runs for them.
//
// Recovery needs the in-memory adapter (one node) or the Redis Streams
// adapter (adapter/redisstreams: any node, sessions kept in Redis, where
// MaxTotalBytes does not apply and the stream's MaxLen is the global cap);
// with another adapter it stays off.
type Recovery struct {
	// Window is how long a disconnected socket's state and the events
	// sent meanwhile are kept (default 2 minutes, Node's
	// maxDisconnectionDuration).
	Window time.Duration
	// SkipMiddlewares runs OnConnect alone, without the app's and the
	// namespace's middleware, for a recovered socket. Node skips them by
	// default; Socketeer runs them again unless this is set.
	SkipMiddlewares bool
	// MaxPackets caps the events one session may have missed (default
	// 10,000); a session over it is not recovered.
	MaxPackets int
	// MaxBytes caps the bytes of the events one session may have missed
	// (default 8 MiB); a session over it is not recovered.
	MaxBytes int
	// MaxTotalBytes caps the memory of the kept events of a namespace
	// (default 64 MiB): past it the oldest are dropped, and sessions that
	// missed them are not recovered.
	MaxTotalBytes int
}

// options returns the runtime's recovery options, nil when r is.
func (r *Recovery) options(logf func(string, ...any), expired func(string, map[string]any)) *recovery.Options {
	if r == nil {
		return nil
	}
	return &recovery.Options{Window: r.Window, MaxPackets: r.MaxPackets, MaxBytes: r.MaxBytes,
		MaxTotalBytes: r.MaxTotalBytes, Logf: logf, OnExpired: expired}
}
