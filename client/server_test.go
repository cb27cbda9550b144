package client_test

// The in-process Socketeer server the tests connect to. It is built with
// the public API of app and namespace as they stand before the API
// restructuring (issue 12); when that lands, only this file changes.

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

// root is namespace "/": the conformance behaviour plus what the tests
// of acks, ordering and server disconnects need.
type root struct {
	namespace.Namespace
	replies chan namespace.Reply // acks the client sent to "question"
}

func (r *root) OnConnect(s *namespace.Socket) error { return s.Emit("auth", s.Handshake().Auth) }

func (r *root) OnMessage(s *namespace.Socket, args ...any) error {
	return s.Emit("message-back", args...)
}

func (r *root) OnMessageWithAck(s *namespace.Socket, args ...any) namespace.Args { return args }

// OnAsk makes the server emit "question" with an ack to the client and
// keep the reply. It waits on another goroutine: the server delivers a
// BINARY_ACK in event order, so a handler waiting for one on its own
// socket would wait until its timeout (only plain ACKs overtake the queue;
// see router.Intercept).
func (r *root) OnAsk(s *namespace.Socket) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if rep, err := s.EmitWithAck(ctx, "question", 41, []byte{1, 2, 3}); err == nil {
			r.replies <- rep
		}
	}()
}

// OnBurst emits n numbered "tick" events.
func (r *root) OnBurst(s *namespace.Socket, n int) error {
	for i := range n {
		if err := s.Emit("tick", i); err != nil {
			return err
		}
	}
	return nil
}

// OnKick disconnects the socket from the server side.
func (r *root) OnKick(s *namespace.Socket) { s.Disconnect(false) }

// OnWhoami answers the Engine.IO session id, to show that namespaces
// share a connection.
func (r *root) OnWhoami(s *namespace.Socket) string { return s.EngineID() }

func (r *root) EventNames() map[string]string {
	return map[string]string{"OnMessageWithAck": "message-with-ack"}
}

// custom is namespace "/custom".
type custom struct{ namespace.Namespace }

func (c *custom) OnConnect(s *namespace.Socket) error { return s.Emit("auth", s.Handshake().Auth) }

func (c *custom) OnWhoami(s *namespace.Socket) string { return s.EngineID() }

// admin is namespace "/admin": it refuses everyone, with data.
type admin struct{ namespace.Namespace }

func (a *admin) OnConnect(s *namespace.Socket) error {
	return errors.Client("not authorized", map[string]any{"code": 42})
}

// testServer is a Socketeer server on a fixed address that can crash and
// come back.
type testServer struct {
	t       *testing.T
	URL     string
	addr    string
	replies chan namespace.Reply
	engine  engine.Options
	parser  app.Parser

	mu    sync.Mutex
	app   *app.App
	hs    *httptest.Server
	conns map[net.Conn]bool
}

// newTestServer starts a server with a fast heartbeat (pingInterval
// 200ms, pingTimeout 200ms).
func newTestServer(t *testing.T) *testServer {
	return newTestServerWith(t, engine.Options{PingInterval: 200 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
}

// newTestServerWith starts a server with Engine.IO options eo.
func newTestServerWith(t *testing.T, eo engine.Options) *testServer {
	ts := &testServer{t: t, replies: make(chan namespace.Reply, 4), engine: eo}
	ts.start("127.0.0.1:0")
	t.Cleanup(ts.crash)
	return ts
}

func (ts *testServer) start(addr string) {
	ts.t.Helper()
	a := app.New(app.Options{
		Engine:         ts.engine,
		ConnectTimeout: 2 * time.Second,
		Parser:         ts.parser,
	})
	for path, ns := range map[string]any{"/": &root{replies: ts.replies}, "/custom": &custom{}, "/admin": &admin{}} {
		if err := a.Register(ns, path); err != nil {
			ts.t.Fatal(err)
		}
	}
	var ln net.Listener
	var err error
	for range 50 { // the old listener's port may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		ts.t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(a)
	hs.Listener = &trackingListener{Listener: ln, ts: ts}
	hs.Start()
	ts.mu.Lock()
	ts.app, ts.hs, ts.conns = a, hs, map[net.Conn]bool{}
	ts.addr, ts.URL = ln.Addr().String(), hs.URL
	ts.mu.Unlock()
}

// crash drops every connection at once, websockets included, as a server
// process that dies would, and stops the server.
func (ts *testServer) crash() {
	ts.mu.Lock()
	hs, a := ts.hs, ts.app
	conns := ts.conns
	ts.conns = map[net.Conn]bool{}
	ts.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	hs.Listener.Close()
	hs.CloseClientConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	a.Shutdown(ctx)
	hs.Close()
}

// restart crashes the server and starts a new one on the same address.
func (ts *testServer) restart() {
	ts.crash()
	ts.start(ts.addr)
}

// trackingListener remembers the connections it accepts.
type trackingListener struct {
	net.Listener
	ts *testServer
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, ts: l.ts}
	l.ts.mu.Lock()
	l.ts.conns[tc] = true
	l.ts.mu.Unlock()
	return tc, nil
}

// trackedConn leaves the server's set when it closes.
type trackedConn struct {
	net.Conn
	ts *testServer
}

func (c *trackedConn) Close() error {
	c.ts.mu.Lock()
	delete(c.ts.conns, c)
	c.ts.mu.Unlock()
	return c.Conn.Close()
}

// dropOne closes one connection of the server's, picked at random (map
// order), as a network failure would; it returns false if there was none.
func (ts *testServer) dropOne() bool {
	ts.mu.Lock()
	var victim net.Conn
	for c := range ts.conns {
		victim = c
		break
	}
	ts.mu.Unlock()
	if victim == nil {
		return false
	}
	victim.Close()
	return true
}

// rawJSON is a helper for comparing JSON.
func rawJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
