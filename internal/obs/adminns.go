package obs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/socketeer/socketeer/namespace"
)

// adminNamespace is the admin namespace the UI connects to.
type adminNamespace struct {
	namespace.Namespace
	a *Admin
}

// OnConnect authenticates the UI, then sends it the session id (after a
// login), the config and, in development mode, every socket.
func (n *adminNamespace) OnConnect(s *namespace.Socket, auth json.RawMessage) error {
	a := n.a
	var c Credentials
	json.Unmarshal(auth, &c)
	switch {
	case a.cfg.Login != nil:
		if !a.validSession(c.SessionID) {
			if !a.cfg.Login(c) {
				return a.cfg.Reject
			}
			s.Emit("session", a.newSession())
		}
	case a.cfg.Check != nil:
		if err := a.cfg.Check(s, auth); err != nil {
			return err
		}
	}
	s.Emit("config", map[string]any{"supportedFeatures": a.features()})
	if a.cfg.Development {
		ctx, cancel := context.WithTimeout(s.Context(), 10*time.Second)
		defer cancel()
		s.Emit("all_sockets", a.allSockets(ctx))
	}
	return nil
}

// OnAny runs the UI's actions: emit, join, leave and _disconnect, on the
// sockets of a namespace, of a room or one socket (a socket id is a room).
func (n *adminNamespace) OnAny(s *namespace.Socket, event string, args []json.RawMessage) {
	a := n.a
	if a.cfg.ReadOnly || len(args) < 2 {
		return
	}
	var nsp, filter string
	if json.Unmarshal(args[0], &nsp) != nil {
		return
	}
	ns := a.namespaceOf(nsp)
	if ns == nil {
		return
	}
	filterAt := 2
	if event == "emit" {
		filterAt = 1
	}
	if len(args) > filterAt {
		json.Unmarshal(args[filterAt], &filter)
	}
	op := ns.To()
	if filter != "" {
		op = ns.To(filter)
	}
	var err error
	switch event {
	case "emit":
		err = emitAction(op, args[2:])
	case "join", "leave":
		var room string
		if json.Unmarshal(args[1], &room) != nil || room == "" {
			return
		}
		if event == "join" {
			err = op.SocketsJoin(room)
		} else {
			err = op.SocketsLeave(room)
		}
	case "_disconnect":
		var closeConn bool
		json.Unmarshal(args[1], &closeConn)
		err = op.DisconnectSockets(closeConn)
	}
	if err != nil && a.host.Logf != nil {
		a.host.Logf("socketeer/admin: %s on %s: %v", event, nsp, err)
	}
}

// emitAction emits the event named by args[0] with the rest as its args.
func emitAction(op namespace.Operator, args []json.RawMessage) error {
	var event string
	if len(args) == 0 || json.Unmarshal(args[0], &event) != nil || event == "" {
		return nil
	}
	rest := make([]any, len(args)-1)
	for i, arg := range args[1:] {
		rest[i] = arg
	}
	return op.Emit(event, rest...)
}
