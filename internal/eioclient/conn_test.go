package eioclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/engine"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo sends every message back on its session.
type echo struct{ s *engine.Session }

func (e echo) OnMessage(data []byte, binary bool) {
	e.s.Send(engine.Packet{Type: engine.Message, Data: bytes.Clone(data), Binary: binary})
}

func (echo) OnClose(string) {}

// newEcho starts an Engine.IO echo server with a fast heartbeat.
func newEcho(t *testing.T) string {
	url, _ := startEcho(t, false)
	return url
}

// newEchoTLS starts an Engine.IO echo server on https and returns the TLS
// configuration that trusts it.
func newEchoTLS(t *testing.T) (string, *tls.Config) { return startEcho(t, true) }

func startEcho(t *testing.T, useTLS bool) (string, *tls.Config) {
	t.Helper()
	srv := engine.NewServer(engine.Options{PingInterval: 100 * time.Millisecond, PingTimeout: 100 * time.Millisecond},
		func(s *engine.Session) engine.Receiver { return echo{s} })
	hs := httptest.NewUnstartedServer(srv)
	var cfg *tls.Config
	if useTLS {
		hs.StartTLS()
		cfg = hs.Client().Transport.(*http.Transport).TLSClientConfig
	} else {
		hs.Start()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL + "/engine.io/", cfg
}

type msg struct {
	data   string
	binary bool
}

func TestEcho(t *testing.T) {
	url := newEcho(t)
	tests := []struct {
		name       string
		transports []string
		want       string // transport at the end
	}{
		{"polling", []string{Polling}, Polling},
		{"websocket", []string{WebSocket}, WebSocket},
		{"upgrade", []string{Polling, WebSocket}, WebSocket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan msg, 16)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := Dial(ctx, Options{URL: url, Transports: tt.transports,
				OnMessage: func(d []byte, b bool) { got <- msg{string(d), b} }})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Abort(ReasonForcedClose)
			// Outlive a few heartbeats and let the upgrade happen.
			time.Sleep(400 * time.Millisecond)
			want := []msg{{"hello", false}, {"\x01\x02\x03", true}, {"€", false}}
			for _, m := range want {
				if err := c.Send(Packet{Type: Message, Data: []byte(m.data), Binary: m.binary}); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range want {
				select {
				case m := <-got:
					if m != w {
						t.Fatalf("got %+v, want %+v", m, w)
					}
				case <-ctx.Done():
					t.Fatal("no echo")
				}
			}
			if tr := c.Transport(); tr != tt.want {
				t.Errorf("transport %s, want %s", tr, tt.want)
			}
			if r, err := c.Reason(); r != "" {
				t.Errorf("ended: %s %v", r, err)
			}
			c.Close()
			<-c.Done()
			if r, _ := c.Reason(); r != ReasonForcedClose {
				t.Errorf("reason %q after Close", r)
			}
			if err := c.Send(Packet{Type: Message}); err != ErrClosed {
				t.Errorf("Send after Close: %v", err)
			}
		})
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	in := []Packet{{Type: Message, Data: []byte("hello")}, {Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}, {Type: Ping}}
	body := encodePayload(in)
	if string(body) != "4hello\x1ebAQIDBA==\x1e2" {
		t.Fatalf("payload %q", body)
	}
	out, err := decodePayload(body)
	if err != nil || len(out) != 3 || !bytes.Equal(out[1].Data, in[1].Data) || !out[1].Binary || out[2].Type != Ping {
		t.Fatalf("decoded %+v, %v", out, err)
	}
	if _, err := decodePayload([]byte("9x")); err == nil {
		t.Fatal("bad type accepted")
	}
}

func TestHandshakeRefused(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"code":5,"message":"Unsupported protocol version"}`))
	}))
	defer hs.Close()
	for _, tr := range []string{Polling, WebSocket} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := Dial(ctx, Options{URL: hs.URL + "/engine.io/", Transports: []string{tr}})
		cancel()
		var he *HTTPError
		if !errors.Is(err, ErrHandshake) || !errors.As(err, &he) || he.Status != 400 ||
			!strings.Contains(he.Body, "Unsupported") {
			t.Errorf("%s: %v", tr, err)
		}
	}
}
