package nsrt

import (
	"encoding/binary"
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
// fresh maps. Otherwise the string starts with the ends of its first four
// parts (four little-endian uint32), so that the usual socket carries no
// room for them.
type handshake struct {
	data     string
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
	b := make([]byte, hsEnds, 256)
	b = packed.AppendValues(b, h.Header)
	binary.LittleEndian.PutUint32(b[0:], uint32(len(b)-hsEnds))
	b = packed.AppendValues(b, h.Query)
	for i, part := range [...]string{string(h.Auth), h.Address, h.URL} {
		binary.LittleEndian.PutUint32(b[4*(i+1):], uint32(len(b)-hsEnds))
		b = append(b, part...)
	}
	p.data = string(b)
	return p
}

// hsEnds is the length of the ends before the parts of a handshake not
// from the connection.
const hsEnds = 16

// fromRequest reports whether h holds exactly what r gives a handshake.
func fromRequest(h adapter.Handshake, r *http.Request) bool {
	if r == nil || r.URL == nil || h.Header == nil || h.Query == nil {
		return false
	}
	return h.Address == r.RemoteAddr && h.Secure == (r.TLS != nil) && h.URL == r.URL.String() &&
		r.Header != nil && maps.EqualFunc(h.Header, r.Header, slices.Equal[[]string]) &&
		maps.EqualFunc(h.Query, r.URL.Query(), slices.Equal[[]string])
}

func (p *handshake) part(i int) string {
	var ends [4]uint32
	for j := range ends {
		e := p.data[4*j : 4*j+4]
		ends[j] = uint32(e[0]) | uint32(e[1])<<8 | uint32(e[2])<<16 | uint32(e[3])<<24
	}
	return packed.Part(p.data[hsEnds:], ends[:], i)
}

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
