package nsrt

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/packed"
)

// handshake is a socket's adapter.Handshake kept in one string (headers
// and query packed, then the auth payload, address and URL), so that an
// idle socket does not hold two maps, a slice per key and a string per
// value. When all but the auth and time are what the connection's
// handshake request gives (the usual case), the string holds the auth
// alone and the rest is rebuilt from the connection, which keeps its
// request in compact form already. Handshake and Info unpack it into
// fresh maps.
type handshake struct {
	data     string
	ends     [4]uint32
	time     time.Time
	secure   bool
	auth     bool // Auth was non-nil
	fromConn bool // data is the auth; the rest is the connection's request's
}

// Parts of handshake.data, in order.
const (
	hsHeader = iota
	hsQuery
	hsAuth
	hsAddress
	hsURL
)

func packHandshake(h adapter.Handshake, c Conn) handshake {
	p := handshake{time: h.Time, secure: h.Secure, auth: h.Auth != nil}
	if c != nil && fromRequest(h, c.Request()) {
		p.fromConn, p.data = true, "{}" // the usual auth, without an allocation of its own
		if string(h.Auth) != p.data {
			p.data = string(h.Auth)
		}
		return p
	}
	b := packed.AppendValues(nil, h.Header)
	p.ends[0] = uint32(len(b))
	b = packed.AppendValues(b, h.Query)
	for i, part := range [...]string{string(h.Auth), h.Address, h.URL} {
		p.ends[i+1] = uint32(len(b))
		b = append(b, part...)
	}
	p.data = string(b)
	return p
}

// fromRequest reports whether h holds exactly what r gives a handshake.
func fromRequest(h adapter.Handshake, r *http.Request) bool {
	if r == nil || r.URL == nil || h.Header == nil || h.Query == nil {
		return false
	}
	return h.Address == r.RemoteAddr && h.Secure == (r.TLS != nil) && h.URL == r.URL.String() &&
		r.Header != nil && maps.EqualFunc(h.Header, r.Header, slices.Equal[[]string]) &&
		maps.EqualFunc(h.Query, r.URL.Query(), slices.Equal[[]string])
}

func (p *handshake) part(i int) string { return packed.Part(p.data, p.ends[:], i) }

// unpack returns the handshake with maps and auth of its own; c is the
// socket's connection.
func (p *handshake) unpack(c Conn) adapter.Handshake {
	h := adapter.Handshake{Time: p.time, Secure: p.secure}
	if p.fromConn {
		r := c.Request()
		h.Header, h.Query, h.Address, h.URL = r.Header.Clone(), r.URL.Query(), r.RemoteAddr, r.URL.String()
		if p.auth {
			h.Auth = json.RawMessage(p.data)
		}
		return h
	}
	h.Header = http.Header(packed.Values(p.part(hsHeader)))
	h.Query = url.Values(packed.Values(p.part(hsQuery)))
	h.Address, h.URL = p.part(hsAddress), p.part(hsURL)
	if p.auth {
		h.Auth = json.RawMessage(p.part(hsAuth))
	}
	return h
}

// address returns the client's address without unpacking the rest.
func (p *handshake) address(c Conn) string {
	if p.fromConn {
		return c.Request().RemoteAddr
	}
	return p.part(hsAddress)
}
