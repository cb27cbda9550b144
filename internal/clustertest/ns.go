package clustertest

import (
	"encoding/json"
	"sync/atomic"

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
