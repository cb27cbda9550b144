package engine

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// TestHandshakeKeepsRequest checks that what a session keeps of its
// handshake request rebuilds every field Request documents.
func TestHandshakeKeepsRequest(t *testing.T) {
	plain := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket&x=%C3%A9&x=2", nil)
	plain.Header.Set("Cookie", "a=1")
	plain.Header.Add("X-Multi", "one")
	plain.Header.Add("X-Multi", "two")
	plain.RemoteAddr = "127.0.0.1:5555"
	secure := httptest.NewRequest(http.MethodGet, "https://example.com/socket.io/?EIO=4", nil)
	secure.TLS = &tls.ConnectionState{ServerName: "example.com"}
	bare := &http.Request{Method: http.MethodGet}
	// Parts kept short when usual (GET, HTTP/1.1, the URI as the URL's
	// text) must come back as they were when they are not.
	unusual := httptest.NewRequest(http.MethodPost, "/socket.io/?EIO=4&a=%41", nil)
	unusual.Proto = "HTTP/1.0"
	noURI := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4", nil)
	noURI.RequestURI = ""
	tests := []struct {
		name string
		r    *http.Request
	}{{"plain", plain}, {"tls", secure}, {"no URL, no header", bare}, {"unusual", unusual}, {"no request URI", noURI}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(nil, "sid", tt.r, transportWebsocket)
			got := s.Request()
			want := tt.r
			if got.Method != want.Method || got.Proto != want.Proto || got.Host != want.Host ||
				got.RemoteAddr != want.RemoteAddr || got.RequestURI != want.RequestURI || got.TLS != want.TLS {
				t.Errorf("got %s %s host %q addr %q uri %q tls %v, want %s %s host %q addr %q uri %q tls %v",
					got.Method, got.Proto, got.Host, got.RemoteAddr, got.RequestURI, got.TLS,
					want.Method, want.Proto, want.Host, want.RemoteAddr, want.RequestURI, want.TLS)
			}
			if !reflect.DeepEqual(got.Header, want.Header) {
				t.Errorf("header %v, want %v", got.Header, want.Header)
			}
			wantURL := ""
			if want.URL != nil {
				wantURL = want.URL.String()
				if !reflect.DeepEqual(got.URL.Query(), want.URL.Query()) {
					t.Errorf("query %v, want %v", got.URL.Query(), want.URL.Query())
				}
			}
			if got.URL == nil || got.URL.String() != wantURL {
				t.Errorf("URL %v, want %q", got.URL, wantURL)
			}
			if got.Header == nil {
				return
			}
			got.Header.Set("Cookie", "changed") // a copy: the session's stays
			if again := s.Request(); again.Header.Get("Cookie") != want.Header.Get("Cookie") {
				t.Errorf("a change to one request's header reached the next: %q", again.Header.Get("Cookie"))
			}
		})
	}
}
