package eioclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// silentServer handshakes on polling with a 50ms heartbeat and then never
// pings: its GETs hang until the client gives up. It records the first
// request.
func silentServer(t *testing.T) (*httptest.Server, chan *http.Request) {
	first := make(chan *http.Request, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("sid") == "" {
			first <- r
			w.Write([]byte(`0{"sid":"s1","upgrades":[],"pingInterval":50,"pingTimeout":50,"maxPayload":100}`))
			return
		}
		if r.Method == http.MethodPost {
			w.Write([]byte("ok"))
			return
		}
		<-r.Context().Done()
	}))
	t.Cleanup(hs.Close)
	return hs, first
}

func TestPingTimeout(t *testing.T) {
	hs, first := silentServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	c, err := Dial(ctx, Options{URL: hs.URL + "/socket.io/", Transports: []string{Polling},
		Header: http.Header{"X-Test": {"1"}}, Query: map[string][]string{"token": {"abc"}}})
	if err != nil {
		t.Fatal(err)
	}
	r := <-first
	if r.Header.Get("X-Test") != "1" || r.URL.Query().Get("token") != "abc" || r.URL.Query().Get("EIO") != "4" {
		t.Errorf("handshake request %s %v", r.URL, r.Header)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("no ping timeout")
	}
	if reason, _ := c.Reason(); reason != ReasonPingTimeout {
		t.Errorf("reason %q", reason)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("ping timeout after %v, want about 100ms", d)
	}
}

func TestBatchUnderMaxPayload(t *testing.T) {
	c := &Conn{hs: handshake{MaxPayload: 10}}
	c.queue = []Packet{{Type: Message, Data: []byte("1234")}, {Type: Message, Data: []byte("5678")}, {Type: Message, Data: []byte("9")}}
	if b := c.take(true); len(b) != 1 {
		t.Errorf("first batch of %d packets, want 1 (maxPayload 10)", len(b))
	}
	if b := c.take(true); len(b) != 2 {
		t.Errorf("second batch of %d packets, want 2", len(b))
	}
}

func TestTLS(t *testing.T) {
	for _, tr := range [][]string{{WebSocket}, {Polling, WebSocket}} {
		url, cfg := newEchoTLS(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got := make(chan string, 1)
		c, err := Dial(ctx, Options{URL: url, Transports: tr, TLSConfig: cfg,
			OnMessage: func(d []byte, _ bool) { got <- string(d) }})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		c.Send(Packet{Type: Message, Data: []byte("over tls")})
		select {
		case m := <-got:
			if m != "over tls" {
				t.Errorf("echo %q", m)
			}
		case <-ctx.Done():
			t.Errorf("%v: no echo over TLS", tr)
		}
		c.Close()
		<-c.Done()
		cancel()
	}
}
