package hardening

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
)

// TestShutdown: Shutdown flushes what is queued, tells every client (a
// close packet; OnDisconnect reason "server shutting down"), returns within
// its deadline, refuses new sessions and leaves no goroutine behind.
func TestShutdown(t *testing.T) {
	const clients, queued = 20, 100
	s := newServer(t, app.Options{})
	hc := httpClient(t)
	base := s.residue(t)
	ws := make([]*wsClient, clients)
	for i := range ws {
		ws[i] = s.dialWS(t, "")
	}
	poll := s.dialPolling(t, hc)
	pad := strings.Repeat("q", 1<<10)
	for i := range queued {
		if err := s.app.Of("/").To("bench").Emit("msg", i, pad); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	shut := make(chan error, 1)
	go func() { shut <- s.app.Shutdown(ctx) }()

	var wg sync.WaitGroup
	for _, c := range ws {
		wg.Go(func() {
			n, closePacket := 0, false
			for {
				msg, err := c.next(5 * time.Second)
				if err != nil {
					if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != websocket.CloseNormalClosure {
						t.Errorf("connection ended with %v, want close 1000", err)
					}
					break
				}
				switch {
				case strings.HasPrefix(msg, `42["msg",`):
					n++
				case msg == "1":
					closePacket = true
				}
			}
			if n != queued || !closePacket {
				t.Errorf("websocket client got %d of %d queued messages, close packet %v", n, queued, closePacket)
			}
		})
	}
	var body string
	for !strings.Contains(body, "\x1e1") && !strings.HasSuffix(body, " 1") {
		got := poll.get()
		if !strings.HasPrefix(got, "200 ") {
			t.Fatalf("polling GET during shutdown: %q", got)
		}
		body += got
	}
	if n := strings.Count(body, `42["msg",`); n != queued {
		t.Errorf("polling client got %d of %d queued messages", n, queued)
	}
	wg.Wait()
	err := <-shut
	took := time.Since(start)
	t.Logf("Shutdown returned %v after %s with %d websocket and 1 polling clients, %d queued messages each", err, took.Round(time.Millisecond), clients, queued)
	if err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	for _, c := range ws {
		if r := s.hub.reason(c.sid); r != engine.ReasonServerShutdown {
			t.Errorf("websocket socket reason %q", r)
		}
	}
	if r := s.hub.reason(poll.socket); r != engine.ReasonServerShutdown {
		t.Errorf("polling socket reason %q", r)
	}
	resp, err := hc.Get(s.url + "/socket.io/?EIO=4&transport=polling")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("handshake accepted after Shutdown")
		}
	}
	hc.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	for _, c := range ws {
		c.close()
	}
	if !eventually(5*time.Second, func() bool { return s.residue(t).goroutines <= base.goroutines+2 }) {
		t.Errorf("goroutines after Shutdown: %d, base %d", s.residue(t).goroutines, base.goroutines)
	}
}
