package eioclient

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"
)

// Transport names, as the query parameter "transport" carries them.
const (
	Polling   = "polling"
	WebSocket = "websocket"
)

// Options configures Dial. Zero values mean the defaults given.
type Options struct {
	// URL is the Engine.IO endpoint, such as http://host:3000/socket.io/
	// (https and wss are accepted; ws and wss are mapped to http and https
	// for polling).
	URL string
	// Transports lists the transports to use, first one first: {Polling,
	// WebSocket} (the default) opens on polling and upgrades; {WebSocket}
	// or {Polling} use only that one; {WebSocket, Polling} opens on
	// websocket.
	Transports []string
	// Header is added to every HTTP request and the websocket handshake.
	Header http.Header
	// Query is added to the query of every request.
	Query url.Values
	// TLSConfig is used for https and wss; nil means the defaults.
	TLSConfig *tls.Config
	// MaxQueue bounds the packets waiting for the writer (default 4096).
	MaxQueue int
	// HandshakeTimeout bounds the websocket probe of an upgrade and the
	// websocket handshake when the context has no earlier deadline
	// (default 10s).
	HandshakeTimeout time.Duration
	// OnMessage receives every message packet, on the reader goroutine, in
	// order. It must not block for long: the reader also answers pings.
	// The data is the caller's to keep.
	OnMessage func(data []byte, binary bool)
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if len(o.Transports) == 0 {
		o.Transports = []string{Polling, WebSocket}
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 4096
	}
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 10 * time.Second
	}
	if o.OnMessage == nil {
		o.OnMessage = func([]byte, bool) {}
	}
	return o
}

// has reports whether o allows transport t.
func (o Options) has(t string) bool {
	for _, x := range o.Transports {
		if x == t {
			return true
		}
	}
	return false
}

// endpoint returns the URL of a request with the given transport and sid
// ("" for the handshake), with scheme http(s) or, for websocket, ws(s).
func (o Options) endpoint(transport, sid string) (string, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	}
	if transport == WebSocket {
		u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k, vs := range o.Query {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("EIO", "4")
	q.Set("transport", transport)
	if sid != "" {
		q.Set("sid", sid)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
