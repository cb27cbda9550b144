package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"unicode/utf8"
)

// framePool holds the buffers the websocket writer assembles frames in, so
// that a connection holds no write buffer while idle.
var framePool = sync.Pool{New: func() any { return &frameBuf{b: make([]byte, 0, 4096)} }}

// frameBuf is a buffer of frames, with the callback that writes it without
// waiting (one pooled object for both).
type frameBuf struct {
	b []byte
	w nowWriter
}

// nowWriter is writeNow's callback with its arguments and results, kept
// with a frame buffer so that a write allocates no closure.
type nowWriter struct {
	buf []byte
	n   int
	err error
	fn  func(fd uintptr) bool // w.write, bound on first use
}

// attachWebsocket makes conn the session's transport; rd holds what was
// read from it beyond the frames already handled (the probe's).
func (s *Session) attachWebsocket(conn net.Conn, rd *frameReader) {
	s.conn, s.rd, s.raw = conn, rd, rawConn(conn)
	s.onWebsocket = true
}

// readWebsocket is the connection's reader on a goroutine of its own: it
// parses the frames, answers pings, and handles the packets it read itself,
// in order, before it reads again, as a loop that reads and answers would:
// the packets do not wait for another goroutine. While a handler runs on
// the reader, nothing reads the connection; so a handler that waits for
// something its client must send, or just takes long, gets the reading
// handed to a new goroutine (see ownReader.handOver and readerWatch), and
// this one ends once its handlers return. It reports whether it did so.
func (s *Session) readWebsocket(r *ownReader) (handedOver bool) {
	bp := readPool.Get().(*[]byte)
	defer readPool.Put(bp)
	chunk := (*bp)[:cap(*bp)]
	conn, rd := r.conn, r.rd
	for s.waitInbound(rd.held() + len(chunk)) {
		n, err := conn.Read(chunk)
		if n > 0 {
			s.mu.Lock()
			s.feeding = true
			s.mu.Unlock()
			open := s.feedFrames(rd, chunk[:n])
			if s.endFeed() && !r.handle() {
				return true
			}
			if !open {
				return false
			}
		}
		if err != nil {
			// No read deadline is set but by backToPoller (maybe a
			// reader's this one took over from).
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if r.leave() {
					return false // the poller reads it now
				}
				continue
			}
			s.closeAfterInbox(ReasonTransportClose)
			return false
		}
	}
	return false
}

// endFeed ends a reader's parsing of what it read (s.feeding): if no
// dispatcher runs and packets were queued, the caller is now the
// dispatcher and must run s.dispatch, and endFeed reports true. Otherwise
// a close the reader asked for once the inbox is handled happens now,
// unless a dispatcher runs, which will close it.
func (s *Session) endFeed() (dispatch bool) {
	s.mu.Lock()
	s.feeding = false
	dispatch = !s.dispatching && len(s.inbox) > 0
	reason := ""
	if dispatch {
		s.dispatching = true
	} else if !s.dispatching {
		reason = s.takeDrainReasonLocked()
	}
	s.mu.Unlock()
	if reason != "" {
		s.close(reason, false)
	}
	return dispatch
}

// pollRead reads what the websocket holds, on a pooled worker, when the
// poller saw it readable; then it asks the poller for the next readiness
// and, if no dispatcher runs, handles what it queued itself, sparing a
// hand-off to another worker.
func (s *Session) pollRead() {
	s.mu.Lock()
	conn, rd, fd := s.conn, s.rd, int(s.fd)
	s.feeding = true
	s.mu.Unlock()
	open, lent := false, false
	if conn != nil && fd >= 0 {
		if lent = rd == nil; lent {
			rd = frameReaders.Get().(*frameReader)
			rd.limit = s.srv.opts.MaxPayload
		}
		bp := readPool.Get().(*[]byte)
		open = s.readDry(conn, rd, (*bp)[:cap(*bp)])
		readPool.Put(bp)
	}
	if open && !s.leavePoller(conn, rd, fd) {
		s.keepFrameReader(rd, lent) // before the re-arm: the next read may start at once
		s.srv.poller.rearm(s, fd)
	}
	if s.endFeed() {
		s.dispatch() // closes for drainReason once the inbox is handled
	}
}

// frameReaders lends frame readers to poller reads: a websocket read
// through the poller keeps one only while a frame or a fragmented message
// is partly read.
var frameReaders = sync.Pool{New: func() any { return new(frameReader) }}

// keepFrameReader keeps rd, after a poller read, while it holds part of a
// frame or message; otherwise it lets it go, back to frameReaders if it
// was lent from there (an upgraded websocket's first one is its probe's).
func (s *Session) keepFrameReader(rd *frameReader, lent bool) {
	idle := len(rd.buf) == 0 && rd.msgOp == 0
	s.mu.Lock()
	if idle {
		s.rd = nil
	} else {
		s.rd = rd
	}
	s.mu.Unlock()
	if idle && lent {
		*rd = frameReader{}
		frameReaders.Put(rd)
	}
}

// leavePoller moves a busy websocket, read dry by the poller, to a reader
// goroutine of its own, the cheaper way to read a client that keeps
// sending, while fewer than Options.ReaderGoroutines have one. It reports
// whether it did; if not, the poller keeps reading it.
func (s *Session) leavePoller(conn net.Conn, rd *frameReader, fd int) bool {
	s.mu.Lock()
	busy := s.received >= readerAfterMessages
	s.mu.Unlock()
	if !busy || !s.srv.reserveReader() {
		return false
	}
	if !s.srv.poller.release(s, fd) {
		s.srv.readers.Add(-1)
		return false // closing; re-arming is harmless (rearm checks fd is still s's)
	}
	go s.srv.readOwn(s, conn, rd)
	return true
}

// readDry reads and parses until the socket is empty; false once the
// session is ending.
func (s *Session) readDry(conn net.Conn, rd *frameReader, chunk []byte) bool {
	for s.waitInbound(rd.held() + len(chunk)) {
		n, wouldBlock, err := readNow(conn, chunk)
		switch {
		case n > 0:
			if !s.feedFrames(rd, chunk[:n]) {
				return false
			}
			if n < len(chunk) { // drained; a one-shot re-arm reports more at once
				return true
			}
		case wouldBlock:
			return true
		default:
			_ = err // io.EOF or a read error: the client is gone
			s.closeAfterInbox(ReasonTransportClose)
			return false
		}
	}
	return false
}

// Why frame handling stopped, besides protocol errors.
var (
	errStopped     = errors.New("socketeer/engine: session closed")
	errClientClose = errors.New("socketeer/engine: client closed the websocket")
)

// feedFrames parses data and handles each frame; false once the session
// is ending.
func (s *Session) feedFrames(rd *frameReader, data []byte) bool {
	err := rd.feed(data, s.onFrame)
	if err == nil {
		return true
	}
	s.frameError(err)
	return false
}

// frameError ends the session after a frame-level error: the client gets
// the websocket close code that says why.
func (s *Session) frameError(err error) {
	switch {
	case errors.Is(err, errFrameTooBig):
		s.writeControl(opClose, closePayload(closeMessageLarge))
		s.closeAfterInbox(ReasonTransportError)
	case errors.Is(err, errFrame):
		s.writeControl(opClose, closePayload(closeProtocol))
		s.closeAfterInbox(ReasonTransportError)
	case errors.Is(err, errClientClose):
		s.writeControl(opClose, closePayload(closeNormal))
		s.closeAfterInbox(ReasonTransportClose)
	case errors.Is(err, errStopped):
	default:
		s.closeAfterInbox(ReasonParseError)
	}
}

// onFrame handles one message or control frame from the client.
func (s *Session) onFrame(op byte, payload []byte) error {
	switch op {
	case opPing:
		s.writeControl(opPong, payload)
		return nil
	case opPong:
		return nil
	case opClose:
		return errClientClose
	}
	if op == opText && !utf8.Valid(payload) {
		return fmt.Errorf("%w: text frame is not UTF-8", ErrParse)
	}
	bp := messageBuffer(payload)
	p := Packet{Type: Message, Data: *bp, Binary: true}
	if op == opText {
		var err error
		if p, err = DecodePacket(*bp); err != nil || p.Binary {
			putMessageBuffer(bp)
			return fmt.Errorf("%w: bad text packet", ErrParse)
		}
	}
	if !s.receive(p, bp) {
		return errStopped
	}
	return nil
}

// writeControl writes a control frame to the websocket. It takes the
// writer's turn, so that frames never interleave: while another goroutine
// writes, a pong is queued behind what it writes (counted against
// MaxQueuedBytes) and a close frame waits for its turn.
func (s *Session) writeControl(op byte, payload []byte) {
	frame := append(appendFrameHeader(make([]byte, 0, 4+len(payload)), int(op), len(payload)), payload...)
	s.mu.Lock()
	for s.writing && s.state != stateClosed {
		if op == opPong {
			if backlog := s.queued + s.inflight; backlog+len(frame) > s.srv.opts.MaxQueuedBytes {
				s.mu.Unlock()
				go s.close(ReasonSlowConsumer, false)
				return
			}
			s.queue = append(s.queue, Packet{Type: wsFrame, Data: frame})
			s.queued += len(frame)
			s.mu.Unlock()
			return
		}
		x := s.extraLocked()
		if x.room == nil {
			x.room = sync.NewCond(&s.mu)
		}
		x.room.Wait() // the writer signals when it gives up its turn
	}
	conn := s.conn
	if conn == nil || s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	s.writing = true
	s.mu.Unlock()
	conn.Write(frame)
	s.mu.Lock()
	s.writing = false
	s.madeRoomLocked()
	s.kickLocked() // what was queued meanwhile
	s.mu.Unlock()
}

// wsFrame is the type of a queued packet whose Data is a whole websocket
// frame (a pong queued behind the writer); it never appears on the wire
// as an Engine.IO type.
const wsFrame PacketType = 0x80

func closePayload(code int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(code)) }

// writeNowLocked writes what is queued to the websocket without waiting,
// on the goroutine that queued it, sparing the hand-off to a writer. s.mu
// is held, the caller took the writer's turn (s.writing) and the queue
// holds message packets only; it returns with s.mu released. What the
// socket does not take at once (a client slow to read) is kept in
// s.unsent for a writer job, which gets the turn: the caller never waits.
func (s *Session) writeNowLocked() {
	batch := s.takeQueueLocked()
	raw := s.raw
	fb := framePool.Get().(*frameBuf)
	buf := fb.b[:0]
	for _, p := range batch {
		buf = appendFrame(buf, p)
	}
	s.recycleLocked(batch)
	s.inflight = len(buf)
	s.mu.Unlock()

	n, err := writeNow(raw, &fb.w, buf)

	s.mu.Lock()
	if n < len(buf) || err != nil {
		// The writer job writes the rest, waiting as it may, and meets
		// the error again if there was one: it closes the session, off
		// the handler's goroutine.
		fb.b = buf[:copy(buf, buf[n:])]
		s.extraLocked().unsent = fb
		s.inflight = len(fb.b)
		s.srv.workers.run(s, jobFlush)
		s.mu.Unlock()
		return
	}
	s.inflight = 0
	if len(s.queue) > 0 {
		s.srv.workers.run(s, jobFlush) // queued meanwhile: the writer's turn passes on
	} else {
		s.endWritingLocked()
	}
	s.mu.Unlock()
	putFrameBuffer(fb, buf)
}

// endWritingLocked gives up the writer's turn with the queue empty.
func (s *Session) endWritingLocked() {
	s.writing = false
	if cap(s.queue) == 0 { // keep one array, not two, while idle
		s.queue = s.spare[:0]
	}
	s.spare = nil
	s.madeRoomLocked() // a close frame may wait for the turn
}

// putFrameBuffer gives back the pooled buffer fb, whose frames were
// assembled in buf, unless buf grew large.
func putFrameBuffer(fb *frameBuf, buf []byte) {
	if cap(buf) <= 64<<10 {
		fb.b = buf[:0]
	} else {
		fb.b = make([]byte, 0, 4096)
	}
	framePool.Put(fb)
}

// flushWebsocket is the connection's single writer while anything is
// queued: it writes first what a write without waiting left unsent, then
// drains the queue, writing every queued packet as its own frame but all
// of them in one write, and exits when the queue is empty.
func (s *Session) flushWebsocket() {
	s.mu.Lock()
	var fb *frameBuf
	if s.x != nil {
		fb, s.x.unsent = s.x.unsent, nil
	}
	conn := s.conn
	s.mu.Unlock()
	var buf []byte
	if fb != nil {
		buf = fb.b
	} else {
		fb = framePool.Get().(*frameBuf)
	}
	for {
		closing := false
		if len(buf) == 0 {
			s.mu.Lock()
			if len(s.queue) == 0 || s.state == stateClosed {
				s.endWritingLocked()
				s.mu.Unlock()
				framePool.Put(fb) // fb.b is the buffer to keep (see below)
				return
			}
			batch := s.takeQueueLocked()
			conn = s.conn
			s.mu.Unlock()

			buf = fb.b[:0]
			for _, p := range batch {
				buf = appendFrame(buf, p)
				closing = closing || p.Type == Close
			}
			if closing {
				buf = appendCloseFrame(buf, closeNormal)
			}
			// The frames hold the data now; what is being written counts
			// against MaxQueuedBytes until it is out.
			s.mu.Lock()
			s.recycleLocked(batch)
			s.inflight = len(buf)
			s.mu.Unlock()
		}
		// No write deadline: a peer that stops reading fills the queue
		// (slow consumer) or misses its pong; either closes the socket,
		// which ends this write.
		_, err := conn.Write(buf)
		if cap(buf) <= 64<<10 {
			fb.b = buf[:0]
		}
		buf = nil
		s.mu.Lock()
		s.inflight = 0
		s.mu.Unlock()
		if err != nil || closing {
			s.mu.Lock()
			s.writing = false
			s.madeRoomLocked()
			s.mu.Unlock()
			framePool.Put(fb)
			if err != nil {
				s.close(ReasonTransportError, false)
			}
			s.finalize()
			return
		}
	}
}

// appendFrame appends p as one unmasked server websocket frame: text
// frames carry the type digit and data, binary frames the raw bytes.
func appendFrame(dst []byte, p Packet) []byte {
	if p.Type == wsFrame {
		return append(dst, p.Data...)
	}
	if p.Binary {
		dst = appendFrameHeader(dst, opBinary, len(p.Data))
		return append(dst, p.Data...)
	}
	dst = appendFrameHeader(dst, opText, len(p.Data)+1)
	dst = append(dst, byte(p.Type))
	return append(dst, p.Data...)
}

func appendFrameHeader(dst []byte, opcode, n int) []byte {
	dst = append(dst, 0x80|byte(opcode))
	switch {
	case n < 126:
		return append(dst, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(dst, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 127), uint64(n))
	}
}

func appendCloseFrame(dst []byte, code int) []byte {
	dst = appendFrameHeader(dst, opClose, 2)
	return binary.BigEndian.AppendUint16(dst, uint16(code))
}
