package client_test

import (
	"testing"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestInteropRecovery drops the transport under a socket connected to
// Node's socket.io with connection state recovery on: the client must
// reconnect (300ms later) with its pid and last offset, keep its id, see
// Recovered, and receive the event emitted 20ms after the drop, while it
// was away; offsets never reach the
// handlers' args (the handlers' strict arity would refuse them).
func TestInteropRecovery(t *testing.T) {
	sc := startScript(t, testenv.Node, testenv.RunNode, "js/recovery_server.js", 0)
	for _, mode := range []struct {
		name string
		tr   []client.Transport
	}{{"websocket", []client.Transport{client.WebSocket}}, {"polling", []client.Transport{client.Polling}}} {
		t.Run(mode.name, func(t *testing.T) {
			m := manager(t, sc.url(), client.Options{Transports: mode.tr,
				ReconnectDelay: 300 * time.Millisecond, ReconnectDelayMax: 300 * time.Millisecond, RandomizationFactor: -1})
			s := m.Socket("/", client.SocketOptions{Auth: map[string]string{"token": "t"}})
			welcome := make(chan bool, 2)
			ticks := make(chan int, 2)
			missed := make(chan string, 1)
			errs := make(chan error, 4)
			must(t, s.On("welcome", func(recovered bool) { welcome <- recovered }))
			must(t, s.On("tick", func(n int) { ticks <- n }))
			must(t, s.On("missed", func(n int, text string) { missed <- text }))
			s.OnError(func(event string, err error) { errs <- err })
			ctx := timeout(t, 20*time.Second)
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if recv(t, welcome, "welcome") || s.Recovered() {
				t.Error("a first connection is recovered")
			}
			id := s.ID()
			s.Emit("ping", 1)
			if n := recv(t, ticks, "tick"); n != 1 {
				t.Errorf("tick %d", n)
			}
			s.Emit("drop")
			if text := recv(t, missed, "the event missed while disconnected"); text != "text" {
				t.Errorf("missed %q", text)
			}
			if !recv(t, welcome, "welcome after reconnecting") {
				t.Error("the server did not recover the session")
			}
			if !s.Recovered() || s.ID() != id {
				t.Errorf("after reconnecting: Recovered() = %v, id %q, want true, %q", s.Recovered(), s.ID(), id)
			}
			select {
			case err := <-errs:
				t.Errorf("handler error: %v", err)
			default:
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
