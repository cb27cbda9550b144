package engine

import (
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// framePool holds the buffers the websocket writer assembles frames in, so
// that a connection holds no write buffer while idle.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// readPool holds websocket read buffers, taken per message.
var readPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// attachWebsocket makes conn the session's transport.
func (s *Session) attachWebsocket(conn *websocket.Conn) {
	conn.SetReadLimit(int64(s.srv.opts.MaxPayload))
	s.ws = conn
	s.transport = transportWebsocket
}

// readWebsocket is the connection's single reader. It answers pongs
// itself and hands every other packet, in order, to the dispatcher.
func (s *Session) readWebsocket(conn *websocket.Conn) {
	for s.readOne(conn) {
	}
}

// readOne reads one message and hands it off; false ends the reader.
func (s *Session) readOne(conn *websocket.Conn) bool {
	mt, r, err := conn.NextReader()
	if err != nil {
		reason := ReasonTransportClose
		if errors.Is(err, websocket.ErrReadLimit) {
			reason = ReasonTransportError
		}
		s.closeAfterInbox(reason)
		return false
	}
	bp := readPool.Get().(*[]byte)
	buf, err := readAll(r, (*bp)[:0])
	*bp = buf
	if err != nil {
		readPool.Put(bp)
		s.closeAfterInbox(ReasonTransportError)
		return false
	}
	if mt == websocket.BinaryMessage {
		return s.receive(Packet{Type: Message, Data: buf, Binary: true}, bp)
	}
	p, err := DecodePacket(buf)
	if err != nil || p.Binary || !utf8.Valid(buf) {
		readPool.Put(bp)
		s.closeAfterInbox(ReasonParseError)
		return false
	}
	return s.receive(p, bp)
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

func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// flushWebsocket is the connection's single writer while anything is
// queued: it drains the queue, writing every queued packet as its own
// frame but all of them in one write, and exits when the queue is empty.
func (s *Session) flushWebsocket() {
	bp := framePool.Get().(*[]byte)
	defer framePool.Put(bp)
	for {
		s.mu.Lock()
		if len(s.queue) == 0 || s.state == stateClosed {
			s.writing = false
			s.mu.Unlock()
			return
		}
		batch := s.takeQueueLocked()
		ws := s.ws
		s.mu.Unlock()

		buf := (*bp)[:0]
		closing := false
		for _, p := range batch {
			buf = appendFrame(buf, p)
			closing = closing || p.Type == Close
		}
		if closing {
			buf = appendCloseFrame(buf, websocket.CloseNormalClosure)
		}
		// The frames hold the data now; what is being written counts
		// against MaxQueuedBytes until it is out.
		s.mu.Lock()
		s.recycleLocked(batch)
		s.inflight = len(buf)
		s.mu.Unlock()
		// No write deadline: a peer that stops reading fills the queue
		// (slow consumer) or misses its pong; either closes the socket,
		// which ends this write.
		_, err := ws.NetConn().Write(buf)
		if cap(buf) <= 64<<10 {
			*bp = buf[:0]
		}
		s.mu.Lock()
		s.inflight = 0
		s.mu.Unlock()
		if err != nil || closing {
			s.mu.Lock()
			s.writing = false
			s.mu.Unlock()
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
	if p.Binary {
		dst = appendFrameHeader(dst, websocket.BinaryMessage, len(p.Data))
		return append(dst, p.Data...)
	}
	dst = appendFrameHeader(dst, websocket.TextMessage, len(p.Data)+1)
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
	dst = appendFrameHeader(dst, websocket.CloseMessage, 2)
	return binary.BigEndian.AppendUint16(dst, uint16(code))
}

// handleUpgrade accepts a websocket for a session on polling and runs the
// probe: 2probe → 3probe, then 5 switches the session to the websocket.
func (s *Session) handleUpgrade(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	busy := s.transport != transportPolling || s.upgrading || s.state != stateOpen ||
		!s.srv.opts.allows(transportWebsocket)
	s.mu.Unlock()
	if busy {
		errBadRequest.write(w)
		return
	}
	conn, err := s.srv.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.probeConn != nil || s.state != stateOpen {
		s.mu.Unlock()
		conn.Close()
		return
	}
	s.probeConn = conn
	s.mu.Unlock()
	go s.probe(conn)
}

func (s *Session) probe(conn *websocket.Conn) {
	conn.SetReadLimit(int64(s.srv.opts.MaxPayload))
	conn.SetReadDeadline(time.Now().Add(s.srv.opts.UpgradeTimeout))
	if !s.probeStep(conn, "2probe") {
		s.endProbe(conn)
		return
	}
	conn.NetConn().SetWriteDeadline(time.Now().Add(s.srv.opts.UpgradeTimeout))
	if conn.WriteMessage(websocket.TextMessage, []byte("3probe")) != nil {
		s.endProbe(conn)
		return
	}
	s.mu.Lock()
	if s.state != stateOpen || s.transport != transportPolling {
		s.mu.Unlock()
		s.endProbe(conn)
		return
	}
	s.upgrading = true
	s.wakeGet() // release a pending GET with a noop
	s.mu.Unlock()
	if !s.probeStep(conn, "5") {
		s.endProbe(conn)
		return
	}
	conn.SetReadDeadline(time.Time{})
	conn.NetConn().SetWriteDeadline(time.Time{})
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		conn.Close()
		return
	}
	s.upgrading = false
	s.probeConn = nil
	s.attachWebsocket(conn)
	s.kickLocked()
	s.wakeGet() // a GET still held sees the switch and answers noop
	s.mu.Unlock()
	s.readWebsocket(conn)
}

// endProbe drops a failed probe; the session stays on polling.
func (s *Session) endProbe(conn *websocket.Conn) {
	s.mu.Lock()
	if s.probeConn == conn {
		s.probeConn = nil
		s.upgrading = false
	}
	s.mu.Unlock()
	conn.Close()
}

// probeStep reads one text message and reports whether it equals want.
func (s *Session) probeStep(conn *websocket.Conn, want string) bool {
	mt, msg, err := conn.ReadMessage()
	return err == nil && mt == websocket.TextMessage && string(msg) == want
}
