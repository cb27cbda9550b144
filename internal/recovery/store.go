package recovery

import "github.com/socketeer/socketeer/adapter"

// Recoverer is connection state recovery as the namespace runtime uses
// it: the in-memory Adapter of this package on one node, or a multi-node
// adapter that keeps sessions itself (a Store).
type Recoverer interface {
	adapter.Adapter
	// Persist keeps s for the window.
	Persist(s Session)
	// Restore gives attach the session pid and the packets its client
	// missed since offset, and reports whether attach ran. attach
	// registers the socket and joins its rooms; it runs where no
	// broadcast can slip between the missed packets and the live ones.
	Restore(pid, offset string, attach func(s Session, missed []*adapter.Encoded)) bool
	// Ended tells the app (OnExpired) that the recovered socket sid was
	// refused by the connect chain and is gone for good.
	Ended(sid string, data map[string]any)
}

// Store is a multi-node adapter that keeps sessions and stamps offsets
// itself, so that a client can recover on any node (adapter/redisstreams).
// The runtime calls EnableRecovery once, before any socket connects, when
// recovery is on.
type Store interface {
	Recoverer
	EnableRecovery(o Options)
}

var _ Recoverer = (*Adapter)(nil)

// Includes reports whether a socket in rooms was selected by a broadcast
// to to (every socket when empty) except except, as socket.io-adapter's
// shouldIncludePacket does.
func Includes(rooms, to, except []string) bool { return includes(rooms, to, except) }

// Defaults fills the zero fields of o with their defaults.
func (o *Options) Defaults() { o.defaults() }
