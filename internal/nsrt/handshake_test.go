package nsrt

import (
	"encoding/json"
	"net/http"
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
			p := packHandshake(tt.hs)
			got := p.unpack()
			if !reflect.DeepEqual(got, tt.hs) {
				t.Errorf("unpacked %+v, want %+v", got, tt.hs)
			}
			if a := p.part(hsAddress); a != tt.hs.Address {
				t.Errorf("address %q, want %q", a, tt.hs.Address)
			}
			if got.Header != nil {
				got.Header.Set("User-Agent", "changed")
				if again := p.unpack(); again.Header.Get("User-Agent") != tt.hs.Header.Get("User-Agent") {
					t.Errorf("a change to one unpacked header reached the next")
				}
			}
		})
	}
}
