package engine

import (
	"net/http"
	"time"
)

// Options configures a Server. The zero value of every field means the
// default written next to it. Options are read once by NewServer and never
// changed afterwards.
type Options struct {
	// PingInterval is how often the server pings a session (default 25s).
	PingInterval time.Duration
	// PingTimeout is how long the server waits for a pong (default 20s).
	PingTimeout time.Duration
	// MaxPayload is the largest polling body or websocket message accepted,
	// in bytes (default 1,000,000). Larger input closes the session.
	MaxPayload int
	// UpgradeTimeout bounds the polling→websocket upgrade (default 10s).
	UpgradeTimeout time.Duration
	// MaxQueuedBytes bounds the outgoing bytes queued for one session
	// (default 4 MiB). A session whose queue grows past it is closed with
	// ReasonSlowConsumer instead of growing the server's memory.
	MaxQueuedBytes int
	// MaxInboundBytes bounds the bytes read from one session's client and
	// not yet handled: messages waiting for the Receiver and the one it
	// runs, the websocket message being assembled, a polling body (default
	// and minimum: 2 × MaxPayload, so that one message can be read while
	// another is handled). While it is reached the session is not read, so
	// TCP back-pressure slows the client instead of the server's memory
	// growing; a flood of large messages to a slow handler costs at most
	// this much per connection.
	MaxInboundBytes int
	// Transports lists the transports allowed ("polling", "websocket").
	// Nil allows both. Upgrades are offered only when both are allowed.
	Transports []string
	// CORS decides which browser origins may connect.
	CORS CORS
	// AllowRequest, when set, may refuse a handshake: a non-nil error
	// answers 403 with code 4 and the error's text as the message.
	AllowRequest func(r *http.Request) error
	// Cookie, when set, names a cookie carrying the session id that the
	// handshake response sets, for sticky load balancers.
	Cookie *http.Cookie
	// ReadBufferSize is the websocket read buffer size (default 512: small
	// per idle connection; larger messages take several reads).
	ReadBufferSize int
	// ReaderGoroutines is how many websockets may have a reader goroutine
	// of their own, the cheapest way to read a client that keeps sending
	// (default 1,024). On Linux a websocket is read through one epoll
	// poller until it has sent its second message (the namespace CONNECT
	// is the first), so that a client that connects and then only listens
	// costs no goroutine, its stack and its read buffer; it then moves to
	// a goroutine of its own while fewer than ReaderGoroutines have one.
	// That goroutine runs the handlers of what it reads, unless a
	// dispatcher already runs (see the package doc, Concurrency).
	// A negative value reads every websocket through the poller.
	// Elsewhere every websocket has a goroutine.
	ReaderGoroutines int
}

// CORS holds the cross-origin policy applied to polling responses and to
// the websocket Origin check alike. The zero value allows requests without
// an Origin header and same-origin requests only.
type CORS struct {
	// AllowedOrigins lists origins ("https://example.com") that may
	// connect; "*" allows any origin.
	AllowedOrigins []string
	// AllowOrigin, when set, decides instead of AllowedOrigins.
	AllowOrigin func(origin string, r *http.Request) bool
	// AllowCredentials sends Access-Control-Allow-Credentials: true.
	AllowCredentials bool
}

const (
	transportPolling   = "polling"
	transportWebsocket = "websocket"
)

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = 1_000_000
	}
	if o.UpgradeTimeout <= 0 {
		o.UpgradeTimeout = 10 * time.Second
	}
	o.MaxInboundBytes = max(o.MaxInboundBytes, 2*o.MaxPayload)
	if o.MaxQueuedBytes <= 0 {
		o.MaxQueuedBytes = 4 << 20
	}
	switch {
	case o.ReaderGoroutines == 0:
		o.ReaderGoroutines = 1024
	case o.ReaderGoroutines < 0:
		o.ReaderGoroutines = 0
	}
	if o.ReadBufferSize <= 0 {
		o.ReadBufferSize = 512
	}
	if len(o.Transports) == 0 {
		o.Transports = []string{transportPolling, transportWebsocket}
	}
	return o
}

func (o *Options) allows(transport string) bool {
	for _, t := range o.Transports {
		if t == transport {
			return true
		}
	}
	return false
}
