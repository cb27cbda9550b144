package nsrt

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/packed"
)

// handshake is a socket's adapter.Handshake kept in one string (headers
// and query packed, then the auth payload, address and URL), so that an
// idle socket does not hold two maps, a slice per key and a string per
// value. Handshake and Info unpack it into fresh maps.
type handshake struct {
	data   string
	ends   [4]uint32
	time   time.Time
	secure bool
	auth   bool // Auth was non-nil
}

// Parts of handshake.data, in order.
const (
	hsHeader = iota
	hsQuery
	hsAuth
	hsAddress
	hsURL
)

func packHandshake(h adapter.Handshake) handshake {
	p := handshake{time: h.Time, secure: h.Secure, auth: h.Auth != nil}
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

func (p *handshake) part(i int) string { return packed.Part(p.data, p.ends[:], i) }

// unpack returns the handshake with maps and auth of its own.
func (p *handshake) unpack() adapter.Handshake {
	h := adapter.Handshake{
		Header:  http.Header(packed.Values(p.part(hsHeader))),
		Query:   url.Values(packed.Values(p.part(hsQuery))),
		Address: p.part(hsAddress),
		URL:     p.part(hsURL),
		Time:    p.time,
		Secure:  p.secure,
	}
	if p.auth {
		h.Auth = json.RawMessage(p.part(hsAuth))
	}
	return h
}
