package nsrt

import (
	"maps"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/protocol"
)

// Restore gives the connection c the socket whose client held session
// pid and last got the packet at offset: same id, rooms and data, with the
// packets it missed held until Accept, before anything sent later. It
// returns nil when the session cannot be recovered; the caller then
// connects a new socket.
func (rt *Runtime) Restore(c Conn, hs adapter.Handshake, pid, offset string) *Socket {
	if rt.rec == nil {
		return nil
	}
	var s *Socket
	rt.rec.Restore(pid, offset, func(sess recovery.Session, missed []*adapter.Encoded) {
		rt.mu.Lock()
		if rt.sockets[sess.SID] == nil {
			s = &Socket{id: sess.SID, pid: sess.PID, recovered: true, rt: rt, conn: c, hs: packHandshake(hs, c),
				session: sess.Data, held: &missed}
			rt.sockets[s.id] = s
		}
		rt.mu.Unlock()
		if s != nil {
			rt.rec.Join(s.id, sess.Rooms...)
		}
	})
	return s
}

// PID returns the socket's private session id, which its client sends back
// to recover it; "" when recovery is off.
func (s *Socket) PID() string { return s.pid }

// Recovered reports whether the socket was recovered: its client came back
// within the window and got its id, rooms, data and missed packets back.
func (s *Socket) Recovered() bool { return s.recovered }

// snapshot is the state recovery keeps of a socket, taken before Detach.
func (s *Socket) snapshot() recovery.Session {
	s.mu.Lock()
	data := maps.Clone(s.session)
	s.mu.Unlock()
	return recovery.Session{SID: s.id, PID: s.pid, Rooms: s.rt.adapter.Rooms(s.id), Data: data}
}

// DetachKeeping detaches the socket like Detach and, when recovery is on,
// keeps its state for its client to recover within the window.
func (s *Socket) DetachKeeping() {
	if s.rt.rec == nil || s.pid == "" || s.state.Load() == stateDisconnected {
		s.Detach()
		return
	}
	snap := s.snapshot()
	s.Detach()
	s.rt.rec.Persist(snap)
}

// Emit sends an event packet without ack id to this socket alone. With
// recovery on it goes through the adapter, as in socket.io, so that it
// gets an offset and is kept for a client that lost its connection; a
// socket that is disconnected already then gets it if it recovers.
func (s *Socket) Emit(p *protocol.Packet) error {
	if s.rt.rec == nil || p.ID != protocol.NoID {
		return s.SendPacket(p)
	}
	s.rt.Trace(p, s.id, s.conn.ID(), 0)
	return s.rt.rec.Broadcast(p, adapter.Options{Rooms: []string{s.id}})
}
