package engine

import (
	"crypto/tls"
	"net/http"
	"net/url"

	"github.com/socketeer/socketeer/internal/packed"
)

// handshake is what a session keeps of its handshake request, in one
// string: the headers packed, then the URL, host, remote address, request
// URI, method and protocol. It replaces the request itself, whose header
// map, URL and strings cost an idle connection over a kilobyte.
type handshake struct {
	data string
	ends [6]uint32
	tls  *tls.ConnectionState
}

// Parts of handshake.data, in order.
const (
	hsHeader = iota
	hsURL
	hsHost
	hsAddr
	hsRequestURI
	hsMethod
	hsProto
)

func newHandshake(r *http.Request) handshake {
	h := handshake{tls: r.TLS}
	u := ""
	if r.URL != nil {
		u = r.URL.String()
	}
	b := packed.AppendValues(nil, r.Header)
	for i, part := range [...]string{u, r.Host, r.RemoteAddr, r.RequestURI, r.Method, r.Proto} {
		h.ends[i] = uint32(len(b))
		b = append(b, part...)
	}
	h.data = string(b)
	return h
}

func (h *handshake) part(i int) string { return packed.Part(h.data, h.ends[:], i) }

// request rebuilds the handshake request, without its body.
func (h *handshake) request() *http.Request {
	r := &http.Request{
		Method:     h.part(hsMethod),
		Proto:      h.part(hsProto),
		Header:     packed.Values(h.part(hsHeader)),
		Host:       h.part(hsHost),
		RemoteAddr: h.part(hsAddr),
		RequestURI: h.part(hsRequestURI),
		TLS:        h.tls,
	}
	if u, err := url.Parse(h.part(hsURL)); err == nil {
		r.URL = u
	} else {
		r.URL = &url.URL{}
	}
	return r
}
