package client

import (
	"encoding/json"
	"fmt"

	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/protocol"
)

// handle acts on a packet for the socket, on the reader goroutine of
// conn: it never blocks on a handler. An error closes the connection; it
// is the close reason.
func (s *Socket) handle(conn *eioclient.Conn, p *protocol.Packet) error {
	switch p.Type {
	case protocol.Connect:
		var body struct {
			SID string `json:"sid"`
			PID string `json:"pid"`
		}
		if json.Unmarshal(p.Data, &body) != nil || body.SID == "" {
			return fmt.Errorf("%s: CONNECT reply without sid", eioclient.ReasonParseError)
		}
		s.connectedOn(conn, body.SID, body.PID)
	case protocol.ConnectError:
		s.refused(parseConnectError(s.nsp, p.Data))
	case protocol.Disconnect:
		s.serverDisconnect(conn)
	case protocol.Event, protocol.BinaryEvent:
		name, args, err := protocol.SplitEvent(p.Data)
		if err != nil {
			return fmt.Errorf("%s: %v", eioclient.ReasonParseError, err)
		}
		atts, id := p.Attachments, p.ID
		args = s.stripOffset(args, id)
		if !s.q.push(func() { s.dispatch(conn, name, args, atts, id) }) {
			return ErrHandlerQueueFull
		}
	case protocol.Ack, protocol.BinaryAck:
		args, err := protocol.SplitArray(p.Data)
		if err != nil {
			return fmt.Errorf("%s: %v", eioclient.ReasonParseError, err)
		}
		s.acked(p.ID, Reply{args: args, atts: p.Attachments})
	}
	return nil
}

// connectedOn marks the socket connected on conn, flushes the buffer and
// wakes Connect.
func (s *Socket) connectedOn(conn *eioclient.Conn, sid, pid string) {
	s.mu.Lock()
	if !s.active || s.sentOn != conn || s.connected {
		s.mu.Unlock()
		return
	}
	s.connected, s.id = true, sid
	s.recovery.connected(pid)
	buf := s.buffer
	s.buffer = nil
	for i, o := range buf {
		if conn.Send(o.packets...) != nil {
			s.buffer = buf[i:]
			break
		}
		if a := s.acks[o.ackID]; a != nil {
			a.sent = true
		}
	}
	s.wakeLocked(nil)
	s.mu.Unlock()
	s.callConnect()
}

// refused handles a CONNECT_ERROR: the socket stays disconnected.
func (s *Socket) refused(err *ConnectError) {
	s.mu.Lock()
	s.active, s.sentOn = false, nil
	s.wakeLocked(err)
	s.mu.Unlock()
	s.callConnectError(err)
	s.m.idle()
}

// serverDisconnect handles a DISCONNECT from the server.
func (s *Socket) serverDisconnect(conn *eioclient.Conn) {
	s.mu.Lock()
	if s.sentOn != conn {
		s.mu.Unlock()
		return
	}
	wasConnected := s.connected
	s.active, s.connected, s.sentOn = false, false, nil
	s.failLocked(ErrDisconnected, true)
	s.mu.Unlock()
	if wasConnected {
		s.callDisconnect(ReasonServerDisconnect)
	}
	s.m.idle()
}

// acked delivers an acknowledgement; one for an unknown id is ignored.
func (s *Socket) acked(id int64, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.acks[id]; a != nil {
		delete(s.acks, id)
		a.ch <- ackResult{reply: r}
	}
}
