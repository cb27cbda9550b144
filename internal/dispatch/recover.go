package dispatch

import (
	"encoding/json"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/nsrt"
)

// open makes the socket of a CONNECT to rt: the socket its client held,
// when the auth carries a pid and an offset that connection state
// recovery can restore, else a new one.
func (c *client) open(rt *nsrt.Runtime, auth json.RawMessage) *nsrt.Socket {
	hs := handshake(c.sess.Request(), auth)
	if rt.Recovery() != nil && len(auth) > 0 {
		var a struct {
			PID    any `json:"pid"`
			Offset any `json:"offset"`
		}
		if json.Unmarshal(auth, &a) == nil {
			pid, ok1 := a.PID.(string)
			off, ok2 := a.Offset.(string)
			if ok1 && ok2 {
				s := rt.Restore(c, hs, pid, off)
				rt.Recovered(s != nil)
				if s != nil {
					return s
				}
			}
		}
	}
	return rt.Connect(c, hs)
}

// refusedRecovered ends the session of a recovered socket that the
// connect chain refused: OnRecoveryExpired runs for it, as the socket is
// gone for good.
func refusedRecovered(s *nsrt.Socket) {
	if rec := s.Runtime().Recovery(); rec != nil && s.Recovered() {
		rec.Ended(s.ID(), s.Info().Data)
	}
}

// recoverable reports whether a socket that disconnected for reason keeps
// its state for recovery: the reasons socket.io's
// RECOVERABLE_DISCONNECT_REASONS lists, the connection lost or closed by
// the server, not a namespace disconnect by either side.
func recoverable(reason string) bool {
	switch reason {
	case engine.ReasonTransportError, engine.ReasonTransportClose, engine.ReasonForcedClose,
		engine.ReasonPingTimeout, engine.ReasonServerShutdown, engine.ReasonForcedServerSide:
		return true
	}
	return false
}
