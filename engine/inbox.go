package engine

import "sync"

// inboxLimit bounds the messages read ahead of their handling: once it is
// reached the reader stops reading until the handlers catch up, so a
// client that floods events cannot grow the server's memory. Their bytes
// are bounded by Options.MaxInboundBytes.
const inboxLimit = 16

// inboxItem is a packet read from the client, waiting to be handled. buf
// is the pooled buffer that holds its data.
type inboxItem struct {
	packet Packet
	buf    *[]byte
}

// handOff queues a packet read from the client for handling by the
// session's dispatcher: the websocket reader that queued it runs the
// dispatcher itself once it has parsed what it read (s.feeding); otherwise
// (a polling POST) the dispatcher runs on a pooled worker while there is
// something to handle. It reports false once the session is closed. The
// packet's bytes count against MaxInboundBytes until it has been handled.
func (s *Session) handOff(p Packet, buf *[]byte) bool {
	s.mu.Lock()
	if !s.waitRoomLocked(func() bool { return len(s.inbox) >= inboxLimit }) {
		s.mu.Unlock()
		putMessageBuffer(buf)
		return false
	}
	if s.inbox == nil {
		s.inbox = inboxPool.Get().(*[inboxLimit]inboxItem)[:0]
	}
	s.inbox = append(s.inbox, inboxItem{packet: p, buf: buf})
	s.inboundBytes += len(*buf)
	s.active = true
	if s.received < readerAfterMessages {
		s.received++
	}
	if !s.dispatching && !s.feeding {
		s.dispatching = true
		s.srv.workers.run(s, jobDispatch)
	}
	s.mu.Unlock()
	return true
}

// waitInbound waits, before the reader takes up to incoming more bytes
// off the connection, until they fit in MaxInboundBytes next to what is
// read but not yet handled; it reports false once the session is closed.
// incoming counts twice: a message is copied out of the bytes it was
// parsed from. With nothing waiting for the handlers, reading always
// proceeds, so that a message of MaxPayload bytes can be read.
func (s *Session) waitInbound(incoming int) bool {
	limit := s.srv.opts.MaxInboundBytes
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readerHeld = int32(incoming)
	return s.waitRoomLocked(func() bool {
		return s.inboundBytes > 0 && s.inboundBytes+2*incoming > limit
	})
}

// waitRoomLocked waits, with s.mu held, while full reports true and the
// session is open, making sure a dispatcher runs to make room (a poller
// read that meant to dispatch itself cannot wait). It reports whether the
// session is still open.
func (s *Session) waitRoomLocked(full func() bool) bool {
	for s.state == stateOpen && full() {
		if !s.dispatching {
			s.dispatching = true
			s.srv.workers.run(s, jobDispatch)
		}
		x := s.extraLocked()
		if x.room == nil {
			x.room = sync.NewCond(&s.mu)
		}
		x.room.Wait()
	}
	return s.state == stateOpen
}

// madeRoomLocked wakes a reader waiting for room, if any.
func (s *Session) madeRoomLocked() {
	if s.x != nil && s.x.room != nil {
		s.x.room.Broadcast()
	}
}

// dispatch handles queued packets in order and exits when none is left.
func (s *Session) dispatch() {
	for {
		s.mu.Lock()
		if len(s.inbox) == 0 {
			putInbox(s.inbox)
			s.inbox = nil
			s.dispatching = false
			reason := s.takeDrainReasonLocked()
			s.mu.Unlock()
			if reason != "" {
				s.close(reason, false)
			}
			return
		}
		item := s.inbox[0]
		n := copy(s.inbox, s.inbox[1:]) // keep the array's start, to give it back whole
		s.inbox[n] = inboxItem{}
		s.inbox = s.inbox[:n]
		open := s.state == stateOpen
		s.madeRoomLocked() // the reader may read on
		s.mu.Unlock()
		if open {
			s.onPacket(item.packet)
		}
		s.mu.Lock()
		s.inboundBytes -= len(*item.buf)
		s.madeRoomLocked()
		s.mu.Unlock()
		putMessageBuffer(item.buf)
	}
}

// closeAfterInbox closes the session for reason once the packets the
// reader already handed off are handled, as the reference server handles
// every message received before the socket closed: a client may send its
// last events (a namespace DISCONNECT) right before closing.
func (s *Session) closeAfterInbox(reason string) {
	s.mu.Lock()
	if (s.dispatching || s.feeding && len(s.inbox) > 0) && s.state == stateOpen {
		s.extraLocked().drainReason = reason
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
		putMessageBuffer(buf)
		return true
	}
	return s.handOff(p, buf)
}

// Buffers: read chunks are small and fixed; a message is copied out of
// them into a buffer of its own size, pooled apart so that a large one
// never becomes a reader's chunk.
const readChunkSize = 1024

var (
	// readPool holds the chunks connections are read in.
	readPool = sync.Pool{New: func() any { b := make([]byte, 0, readChunkSize); return &b }}
	// messagePool holds the buffers messages are copied into.
	messagePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}
)

// inboxPool holds the arrays of sessions' inboxes, which a session holds
// only while it has packets to handle.
var inboxPool = sync.Pool{New: func() any { return new([inboxLimit]inboxItem) }}

// putInbox gives an emptied inbox's array back.
func putInbox(b []inboxItem) {
	if cap(b) == inboxLimit {
		inboxPool.Put((*[inboxLimit]inboxItem)(b[:inboxLimit]))
	}
}

// messageBuffer returns a pooled buffer holding a copy of data.
func messageBuffer(data []byte) *[]byte {
	bp := messagePool.Get().(*[]byte)
	*bp = append((*bp)[:0], data...)
	return bp
}

// putMessageBuffer gives a message's buffer back, unless it is large.
func putMessageBuffer(bp *[]byte) {
	if cap(*bp) > 64<<10 {
		return
	}
	*bp = (*bp)[:0]
	messagePool.Put(bp)
}
