package engine

import (
	"net/http"
	"net/url"

	"github.com/socketeer/socketeer/internal/packed"
)

// handshake is what a session keeps of its handshake request, in one
// string: the headers packed, then the URL, host, remote address, request
// URI, method and protocol. It replaces the request itself, whose header
// map, URL and strings cost an idle connection over a kilobyte. The
// request URI when it is the URL's text, the method GET and the protocol
// HTTP/1.1 are kept as one NUL byte each (which none of them can hold).
type handshake struct {
	data string
	ends [6]uint32
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
	var h handshake
	u := ""
	if r.URL != nil {
		u = r.URL.String()
	}
	b := packed.AppendValues(nil, r.Header)
	uri, method, proto := r.RequestURI, r.Method, r.Proto
	if uri == u && u != "" {
		uri = hsSame
	}
	if method == http.MethodGet {
		method = hsSame
	}
	if proto == hsHTTP11 {
		proto = hsSame
	}
	for i, part := range [...]string{u, r.Host, r.RemoteAddr, uri, method, proto} {
		h.ends[i] = uint32(len(b))
		b = append(b, part...)
	}
	h.data = string(b)
	return h
}

// hsSame stands for a part's usual value: the URL's text for the request
// URI, GET for the method, HTTP/1.1 for the protocol.
const (
	hsSame   = "\x00"
	hsHTTP11 = "HTTP/1.1"
)

func (h *handshake) part(i int) string { return packed.Part(h.data, h.ends[:], i) }

// partOr returns part i, or usual when it was kept as hsSame.
func (h *handshake) partOr(i int, usual string) string {
	if p := h.part(i); p != hsSame {
		return p
	}
	return usual
}

// request rebuilds the handshake request, without its body.
func (h *handshake) request() *http.Request {
	r := &http.Request{
		Method:     h.partOr(hsMethod, http.MethodGet),
		Proto:      h.partOr(hsProto, hsHTTP11),
		Header:     packed.Values(h.part(hsHeader)),
		Host:       h.part(hsHost),
		RemoteAddr: h.part(hsAddr),
		RequestURI: h.partOr(hsRequestURI, h.part(hsURL)),
	}
	if u, err := url.Parse(h.part(hsURL)); err == nil {
		r.URL = u
	} else {
		r.URL = &url.URL{}
	}
	return r
}
