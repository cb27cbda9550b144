package namespace

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/socketeer/socketeer/adapter"
)

// Handshake is what the client sent when its socket connected.
type Handshake struct {
	// Header holds the headers of the Engine.IO handshake request.
	Header http.Header
	// Query holds the query parameters of the handshake request.
	Query url.Values
	// Auth is the auth payload of the namespace CONNECT packet ({} when none).
	Auth json.RawMessage
	// Address is the client's remote address (host:port).
	Address string
	// URL is the handshake request's URL.
	URL string
	// Time is when the socket connected.
	Time time.Time
	// Secure reports whether the connection used TLS.
	Secure bool
}

// NewHandshake builds the Handshake of a socket from the connection's
// handshake request and the CONNECT auth payload.
func NewHandshake(r *http.Request, auth json.RawMessage) Handshake {
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	return Handshake{
		Header:  r.Header,
		Query:   r.URL.Query(),
		Auth:    auth,
		Address: r.RemoteAddr,
		URL:     r.URL.String(),
		Time:    time.Now(),
		Secure:  r.TLS != nil,
	}
}

// info converts h to the adapter's form, shared with other nodes.
func (h Handshake) info() adapter.Handshake {
	q := make(map[string]any, len(h.Query))
	for k, v := range h.Query {
		if len(v) == 1 {
			q[k] = v[0]
		} else {
			q[k] = v
		}
	}
	return adapter.Handshake{Headers: h.Header, Time: h.Time, Address: h.Address, URL: h.URL, Query: q, Auth: h.Auth}
}
