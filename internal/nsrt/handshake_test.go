package nsrt

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
)

// TestHandshakePacked checks that a socket's packed handshake unpacks to
// what was packed, with maps of its own each time.
func TestHandshakePacked(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name string
		hs   adapter.Handshake
	}{
		{"full", adapter.Handshake{
			Header:  http.Header{"User-Agent": {"node"}, "Cookie": {"a=1", "b=2"}},
			Query:   url.Values{"EIO": {"4"}, "transport": {"websocket"}, "token": {"x y", ""}},
			Auth:    json.RawMessage(`{"token":"t"}`),
			Address: "127.0.0.1:40000",
			URL:     "/socket.io/?EIO=4&transport=websocket",
			Time:    now,
			Secure:  true,
		}},
		{"empty maps, empty auth", adapter.Handshake{Header: http.Header{}, Query: url.Values{}, Auth: json.RawMessage{}}},
		{"zero", adapter.Handshake{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := packHandshake(tt.hs, nil)
			got := p.unpack(nil)
			if !reflect.DeepEqual(got, tt.hs) {
				t.Errorf("unpacked %+v, want %+v", got, tt.hs)
			}
			if a := p.address(nil); a != tt.hs.Address {
				t.Errorf("address %q, want %q", a, tt.hs.Address)
			}
			if got.Header != nil {
				got.Header.Set("User-Agent", "changed")
				if again := p.unpack(nil); again.Header.Get("User-Agent") != tt.hs.Header.Get("User-Agent") {
					t.Errorf("a change to one unpacked header reached the next")
				}
			}
		})
	}
}

// reqConn is a Conn whose handshake request is r; nothing is sent on it.
type reqConn struct {
	Conn
	r *http.Request
}

func (c reqConn) Request() *http.Request { return c.r }

// TestHandshakeFromConn checks that a handshake that is the connection's
// request's keeps only its auth, and unpacks to the same handshake; and
// that one that differs in any field is kept whole.
func TestHandshakeFromConn(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket&t=x", nil)
	r.Header.Set("User-Agent", "node")
	r.RemoteAddr = "127.0.0.1:4000"
	c := reqConn{r: r}
	hs := func() adapter.Handshake {
		return adapter.Handshake{Header: r.Header.Clone(), Query: r.URL.Query(), Auth: json.RawMessage(`{"a":1}`),
			Address: r.RemoteAddr, URL: r.URL.String(), Time: time.Now()}
	}
	tests := []struct {
		name     string
		change   func(*adapter.Handshake)
		fromConn bool
	}{
		{"same", func(*adapter.Handshake) {}, true},
		{"no auth", func(h *adapter.Handshake) { h.Auth = nil }, true},
		{"other header", func(h *adapter.Handshake) { h.Header.Set("User-Agent", "go") }, false},
		{"other query", func(h *adapter.Handshake) { h.Query.Set("t", "y") }, false},
		{"other address", func(h *adapter.Handshake) { h.Address = "10.0.0.1:1" }, false},
		{"other URL", func(h *adapter.Handshake) { h.URL = "/x" }, false},
		{"secure", func(h *adapter.Handshake) { h.Secure = true }, false},
		{"nil header", func(h *adapter.Handshake) { h.Header = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := hs()
			tt.change(&want)
			p := packHandshake(want, c)
			if p.fromConn != tt.fromConn {
				t.Errorf("fromConn %v, want %v", p.fromConn, tt.fromConn)
			}
			if got := p.unpack(c); !reflect.DeepEqual(got, want) {
				t.Errorf("unpacked %+v, want %+v", got, want)
			}
			if a := p.address(c); a != want.Address {
				t.Errorf("address %q, want %q", a, want.Address)
			}
		})
	}
}
