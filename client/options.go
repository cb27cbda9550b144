package client

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/socketeer/socketeer/router"
)

// Transport names an Engine.IO transport.
type Transport string

// The transports.
const (
	// Polling is HTTP long-polling.
	Polling Transport = "polling"
	// WebSocket is a websocket.
	WebSocket Transport = "websocket"
)

// Options configures a Manager. The zero value connects like
// socket.io-client's defaults: polling upgraded to websocket, path
// /socket.io/, reconnection forever with a delay from 1s doubling up to 5s,
// ±50% jitter. Options are copied by NewManager and not read afterwards.
type Options struct {
	// Path is the server's endpoint path (default "/socket.io/").
	Path string
	// Transports are the transports to use, first one first:
	// {Polling, WebSocket} (the default) opens on polling and upgrades;
	// {WebSocket} is websocket only; {Polling} is polling only.
	Transports []Transport
	// Header is sent with every HTTP request and the websocket handshake.
	Header http.Header
	// Parser is the wire form of packets, socket.io-client's parser
	// option: ParserJSON (the default) or ParserMsgpack, which must match
	// the server's (app.Options.Parser, socket.io-msgpack-parser in Node,
	// serializer="msgpack" in python-socketio).
	Parser Parser
	// Query is added to the query of every request.
	Query url.Values
	// TLSConfig is used for https and wss URLs; nil means the defaults.
	TLSConfig *tls.Config
	// Timeout bounds each connection attempt's Engine.IO handshake
	// (default 20s).
	Timeout time.Duration

	// NoReconnect turns automatic reconnection off.
	NoReconnect bool
	// ReconnectAttempts is how many reconnection attempts are made before
	// giving up; 0 means no limit.
	ReconnectAttempts int
	// ReconnectDelay is the delay before the first attempt (default 1s);
	// it doubles with each attempt.
	ReconnectDelay time.Duration
	// ReconnectDelayMax caps the delay (default 5s).
	ReconnectDelayMax time.Duration
	// RandomizationFactor is the jitter: each delay is moved up or down by
	// up to this fraction of itself. 0 means 0.5; a negative value turns
	// jitter off.
	RandomizationFactor float64

	// MaxBuffer bounds the emits each socket keeps while it is
	// disconnected, sent once it connects (default 1024). Beyond it Emit
	// fails with ErrBufferFull.
	MaxBuffer int
	// MaxPending bounds the events and callbacks waiting for each
	// socket's handlers (default 1024). Beyond it the connection is
	// dropped with ErrHandlerQueueFull, and reconnected.
	MaxPending int

	// Validator checks handler args whose types carry validate tags, as
	// on the server (default router.NewValidator(), on
	// go-playground/validator).
	Validator router.Validator

	// OnReconnectAttempt is called before each reconnection attempt, with
	// its number, starting at 1.
	OnReconnectAttempt func(attempt int)
	// OnReconnect is called once a reconnection attempt succeeded.
	OnReconnect func(attempt int)
	// OnReconnectFailed is called when the Manager gives up.
	OnReconnectFailed func(err error)
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.Path == "" {
		o.Path = "/socket.io/"
	}
	if len(o.Transports) == 0 {
		o.Transports = []Transport{Polling, WebSocket}
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.ReconnectDelay <= 0 {
		o.ReconnectDelay = time.Second
	}
	if o.ReconnectDelayMax <= 0 {
		o.ReconnectDelayMax = 5 * time.Second
	}
	if o.ReconnectDelayMax < o.ReconnectDelay {
		o.ReconnectDelayMax = o.ReconnectDelay
	}
	switch {
	case o.RandomizationFactor == 0:
		o.RandomizationFactor = 0.5
	case o.RandomizationFactor < 0:
		o.RandomizationFactor = 0
	case o.RandomizationFactor > 1:
		o.RandomizationFactor = 1
	}
	if o.MaxBuffer <= 0 {
		o.MaxBuffer = 1024
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 1024
	}
	if o.Validator == nil {
		o.Validator = defaultValidator()
	}
	return o
}

// SocketOptions configures one namespace socket.
type SocketOptions struct {
	// Auth is the CONNECT payload, encoded as JSON: an object (a struct or
	// a map), or nil for none. It is sent again on every reconnection.
	Auth any
}
