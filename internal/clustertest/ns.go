package clustertest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/namespace"
)

// NS is the namespace "/" of the Socketeer nodes of the mixed cluster
// tests: a client's "join" event joins the room it names and is
// acknowledged with "ok"; the server-side events other nodes send go to
// the function set with SetServerSide.
type NS struct {
	namespace.Namespace
	serverSide atomic.Pointer[func(event string, args []json.RawMessage)]
}

// OnServerSideEmit passes what other nodes send with ServerSideEmit to the
// function set with SetServerSide.
func (n *NS) OnServerSideEmit(event string, args []json.RawMessage) {
	if fn := n.serverSide.Load(); fn != nil {
		(*fn)(event, args)
	}
}

// OnJoin makes the socket join room and acknowledges "ok".
func (n *NS) OnJoin(s *namespace.Socket, room string) string {
	s.Join(room)
	return "ok"
}

// SetServerSide sets what receives the node's server-side events.
func (n *NS) SetServerSide(fn func(event string, args []json.RawMessage)) {
	n.serverSide.Store(&fn)
}

// Serve registers a new NS on a at "/" and serves a on a loopback HTTP
// server; when the test ends, a is shut down and the server closed.
func Serve(t *testing.T, a *app.App) (*NS, *httptest.Server) {
	t.Helper()
	ns := &NS{}
	if err := a.Register(ns, "/"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		srv.Close()
	})
	return ns, srv
}
