package engine

// inboxLimit bounds the websocket messages read ahead of their handling:
// once it is reached the reader stops reading until the handlers catch up,
// so a client that floods events cannot grow the server's memory.
const inboxLimit = 16

// inboxItem is a packet read from a websocket, waiting to be handled. buf
// is the pooled buffer that holds its data.
type inboxItem struct {
	packet Packet
	buf    *[]byte
}

// handOff queues a packet read by the websocket reader for handling by the
// session's dispatcher, which runs on a pooled worker only while there is
// something to handle. Keeping the handlers off the reader goroutine keeps
// its stack small: an idle connection costs one shallow goroutine. It
// reports false once the session is closed.
func (s *Session) handOff(p Packet, buf *[]byte) bool {
	s.mu.Lock()
	for len(s.inbox) >= inboxLimit && s.state == stateOpen {
		if !s.dispatching { // a poller read that meant to dispatch itself cannot wait
			s.dispatching = true
			s.srv.workers.run(s, false)
		}
		if s.room == nil {
			s.room = make(chan struct{}, 1)
		}
		room := s.room
		s.mu.Unlock()
		select {
		case <-room:
		case <-s.done:
		}
		s.mu.Lock()
	}
	if s.state != stateOpen {
		s.mu.Unlock()
		readPool.Put(buf)
		return false
	}
	s.inbox = append(s.inbox, inboxItem{packet: p, buf: buf})
	if !s.dispatching && !s.pollReading {
		s.dispatching = true
		s.srv.workers.run(s, false)
	}
	s.mu.Unlock()
	return true
}

// dispatch handles queued packets in order and exits when none is left.
func (s *Session) dispatch() {
	for {
		s.mu.Lock()
		if len(s.inbox) == 0 {
			s.inbox = nil
			s.dispatching = false
			reason := s.drainReason
			s.drainReason = ""
			s.mu.Unlock()
			if reason != "" {
				s.close(reason, false)
			}
			return
		}
		item := s.inbox[0]
		s.inbox[0] = inboxItem{}
		s.inbox = s.inbox[1:]
		open := s.state == stateOpen
		room := s.room
		s.mu.Unlock()
		select { // the reader may read on
		case room <- struct{}{}:
		default:
		}
		if open {
			s.onPacket(item.packet)
		}
		*item.buf = (*item.buf)[:0]
		readPool.Put(item.buf)
	}
}

// closeAfterInbox closes the session for reason once the packets the
// reader already handed off are handled, as the reference server handles
// every message received before the socket closed: a client may send its
// last events (a namespace DISCONNECT) right before closing.
func (s *Session) closeAfterInbox(reason string) {
	s.mu.Lock()
	if (s.dispatching || s.pollReading && len(s.inbox) > 0) && s.state == stateOpen {
		s.drainReason = reason
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.close(reason, false)
}

// receive takes one packet from the client, on either transport: a pong
// or an intercepted message is handled at once, anything else is queued
// in order for the dispatcher. buf holds p's data and is given up.
func (s *Session) receive(p Packet, buf *[]byte) bool {
	intercepted := p.Type == Message && s.icpt != nil && s.icpt.Intercept(p.Data, p.Binary)
	if p.Type == Pong || intercepted {
		if p.Type == Pong {
			s.pong()
		}
		*buf = (*buf)[:0]
		readPool.Put(buf)
		return true
	}
	return s.handOff(p, buf)
}
