package engine

import "syscall"

// writeNow writes a batch of packets to the websocket from the calling
// goroutine without blocking, when the session has no writer running:
// the common case of a reply or a broadcast to a socket that keeps up
// costs one non-blocking write and no goroutine. What the socket cannot
// take now is left to a writer goroutine. The caller set s.writing.
func (s *Session) writeNow(batch []Packet) {
	bp := framePool.Get().(*[]byte)
	buf := (*bp)[:0]
	for _, p := range batch {
		buf = appendFrame(buf, p)
	}
	n, err := s.tryWrite(buf)
	s.mu.Lock()
	s.recycleLocked(batch)
	switch {
	case err != nil:
		s.writing = false
	case n < len(buf):
		s.pending = append(s.pending[:0], buf[n:]...)
		go s.flushWebsocket()
	case len(s.queue) > 0:
		go s.flushWebsocket()
	default:
		s.writing = false
	}
	s.mu.Unlock()
	if cap(buf) <= 64<<10 {
		*bp = buf[:0]
		framePool.Put(bp)
	}
	if err != nil {
		s.close(ReasonTransportError, false)
	}
}

// tryWrite writes what the socket takes without blocking. Without a raw
// connection (TLS, or a platform without it) it writes nothing, and the
// writer goroutine does the work.
func (s *Session) tryWrite(buf []byte) (int, error) {
	if s.raw == nil {
		return 0, nil
	}
	var n int
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		n, werr = writeNonblocking(fd, buf)
		return true
	})
	if err == nil {
		err = werr
	}
	return n, err
}

// writePending writes the remainder a non-blocking write left. The writer
// goroutine calls it first.
func (s *Session) writePending() error {
	s.mu.Lock()
	pending := s.pending
	s.pending = nil
	s.inflight = len(pending)
	ws := s.ws
	s.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	_, err := ws.NetConn().Write(pending)
	s.mu.Lock()
	s.inflight = 0
	s.mu.Unlock()
	return err
}

// rawConnOf returns the raw connection of a TCP (or Unix) socket.
func rawConnOf(c any) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}
