package client_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
)

// recoveryServer is a server with connection state recovery on, at url,
// that behaves like interop/js/recovery_server.js.
type recoveryServer interface{ url() string }

// nodeRecovery is Node's socket.io with recovery (interop/js/recovery_server.js).
type nodeRecovery struct{ sc *script }

func (n nodeRecovery) url() string { return n.sc.url() }

// socketeerRecovery is the same on Socketeer: namespace "/" with recovery
// on; "drop" cuts the TCP connections under the socket until the server
// sees it gone (a transport close, which keeps its session: on polling a
// cut lands only while a request is in flight, so it is repeated), then
// emits "missed" to room "r".
type socketeerRecovery struct {
	namespace.Namespace
	hs    *httptest.Server
	mu    sync.Mutex
	conns map[net.Conn]bool
	gone  chan string // the id of a socket that disconnected
}

func (r *socketeerRecovery) url() string { return r.hs.URL }

func (r *socketeerRecovery) OnConnect(s *namespace.Socket) error {
	s.Join("r")
	return s.Emit("welcome", s.Recovered())
}

func (r *socketeerRecovery) OnPing(s *namespace.Socket, n int) error { return s.Emit("tick", n) }

func (r *socketeerRecovery) OnDisconnect(s *namespace.Socket) {
	select {
	case r.gone <- s.ID():
	default:
	}
}

func (r *socketeerRecovery) OnDrop(s *namespace.Socket) {
	id := s.ID()
	go func() {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
			r.mu.Lock()
			for c := range r.conns {
				c.Close()
			}
			r.mu.Unlock()
			select {
			case gone := <-r.gone:
				if gone == id {
					r.To("r").Emit("missed", 42, "text")
					return
				}
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
}

func startSocketeerRecovery(t *testing.T, parser app.Parser) *socketeerRecovery {
	a := app.New(app.Options{
		Engine:   engine.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond},
		Recovery: &app.Recovery{Window: 10 * time.Second},
		Parser:   parser,
	})
	r := &socketeerRecovery{conns: map[net.Conn]bool{}, gone: make(chan string, 64)}
	if err := a.Register(r, "/"); err != nil {
		t.Fatal(err)
	}
	r.hs = httptest.NewUnstartedServer(a)
	r.hs.Config.ConnState = func(c net.Conn, st http.ConnState) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch st {
		case http.StateNew:
			r.conns[c] = true
		case http.StateClosed, http.StateHijacked:
			if st == http.StateClosed {
				delete(r.conns, c)
			}
		}
	}
	r.hs.Start()
	t.Cleanup(func() {
		r.hs.CloseClientConnections()
		a.Shutdown(context.Background())
		r.hs.Close()
	})
	return r
}

// TestRecovery drops the transport under a socket connected to a server
// with connection state recovery on — Node's socket.io, and Socketeer with
// each parser (the offsets ride in msgpack packets too): the
// client must reconnect (300ms later) with its pid and last offset, keep
// its id, see Recovered, and receive the event emitted 20ms after the
// drop, while it was away; offsets never reach the handlers' args (the
// handlers' strict arity would refuse them).
func TestRecovery(t *testing.T) {
	for _, srv := range []struct {
		name   string
		parser client.Parser
		start  func(t *testing.T) recoveryServer
	}{
		{"node", client.ParserJSON, func(t *testing.T) recoveryServer {
			return nodeRecovery{startScript(t, testenv.Node, testenv.RunNode, "js/recovery_server.js", 0)}
		}},
		{"socketeer", client.ParserJSON, func(t *testing.T) recoveryServer { return startSocketeerRecovery(t, app.ParserJSON) }},
		{"socketeer msgpack", client.ParserMsgpack, func(t *testing.T) recoveryServer {
			return startSocketeerRecovery(t, app.ParserMsgpack)
		}},
	} {
		t.Run(srv.name, func(t *testing.T) {
			sv := srv.start(t)
			testRecovery(t, sv.url(), srv.parser)
		})
	}
}

func testRecovery(t *testing.T, url string, parser client.Parser) {
	for _, mode := range []struct {
		name string
		tr   []client.Transport
	}{{"websocket", []client.Transport{client.WebSocket}}, {"polling", []client.Transport{client.Polling}}} {
		t.Run(mode.name, func(t *testing.T) {
			m := manager(t, url, client.Options{Transports: mode.tr, Parser: parser,
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
