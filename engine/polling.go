package engine

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"
)

// bodyPool holds buffers for polling bodies, so that idle sessions own none.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// handleGet serves a long-polling GET: it answers at once with everything
// queued, or holds the request until something is.
func (s *Session) handleGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.onWebsocket {
		s.mu.Unlock()
		errBadRequest.write(w)
		return
	}
	if s.getPending {
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		s.close(ReasonTransportError, false)
		return
	}
	s.getPending = true
	var batch []Packet
	for {
		clientClosed := s.state != stateOpen && s.reasonLocked() == ReasonTransportClose
		if len(s.queue) > 0 && s.state != stateClosed && !clientClosed {
			batch = s.takeQueueLocked()
			break
		}
		if s.state == stateClosed || clientClosed || s.upgrading || s.onWebsocket {
			batch = []Packet{{Type: Noop}}
			if s.state == stateClosed && s.reasonLocked() != ReasonTransportClose {
				batch[0].Type = Close
			}
			break
		}
		s.mu.Unlock()
		select {
		case <-s.x.wake: // made with the polling session
		case <-r.Context().Done():
			s.mu.Lock()
			s.getPending = false
			s.mu.Unlock()
			// The client went away; what it sent before is still handled.
			s.closeAfterInbox(ReasonTransportClose)
			return
		}
		s.mu.Lock()
	}
	s.getPending = false
	s.mu.Unlock()

	bp := bodyPool.Get().(*[]byte)
	body := AppendPayload((*bp)[:0], batch)
	err := writePollingBody(w, body)
	*bp = body
	bodyPool.Put(bp)
	closing := false
	for _, p := range batch {
		closing = closing || p.Type == Close
	}
	s.mu.Lock()
	s.recycleLocked(batch)
	closing = closing || s.state == stateClosing && s.reasonLocked() == ReasonTransportClose
	s.mu.Unlock()
	switch {
	case err != nil:
		s.close(ReasonTransportError, false)
	case closing:
		s.finalize()
	}
}

func writePollingBody(w http.ResponseWriter, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

// handlePost serves a polling POST: its body carries packets from the
// client, handled in order before the answer "ok".
func (s *Session) handlePost(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.onWebsocket {
		s.mu.Unlock()
		errBadRequest.write(w)
		return
	}
	if s.postActive {
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		s.close(ReasonTransportError, false)
		return
	}
	s.postActive = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.postActive = false
		s.mu.Unlock()
	}()
	if r.Header.Get("Content-Type") == "application/octet-stream" {
		w.WriteHeader(http.StatusBadRequest)
		s.close(ReasonParseError, false)
		return
	}
	expected := s.srv.opts.MaxPayload
	if r.ContentLength >= 0 {
		expected = int(min(r.ContentLength, int64(expected)))
	}
	if !s.waitInbound(expected) {
		errBadRequest.write(w)
		return
	}
	bp := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(bp)
	body, ok := readBounded(r, (*bp)[:0], s.srv.opts.MaxPayload)
	*bp = body[:0]
	if !ok {
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		s.close(ReasonTransportError, false)
		return
	}
	if body == nil {
		w.WriteHeader(http.StatusBadRequest)
		s.close(ReasonTransportError, false)
		return
	}
	// A payload is text (binary packets are base64), so invalid UTF-8 is
	// refused as on the websocket.
	if !utf8.Valid(body) {
		w.WriteHeader(http.StatusBadRequest)
		s.close(ReasonParseError, false)
		return
	}
	if err := DecodePayload(body, s.receiveCopy); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		s.closeAfterInbox(ReasonParseError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", "2")
	w.Write([]byte("ok"))
}

// receiveCopy takes one packet of a POST body, whose buffer is reused
// once the POST is answered: the packet's data is copied to a buffer of
// its own before it is queued.
func (s *Session) receiveCopy(p Packet) error {
	bp := messageBuffer(p.Data)
	p.Data = *bp
	if !s.receive(p, bp) {
		return ErrClosed
	}
	return nil
}

// readBounded reads the request body into buf, refusing (ok=false) a body
// longer than limit before reading more than limit+1 bytes of it. A read
// error returns a nil body.
func readBounded(r *http.Request, buf []byte, limit int) (body []byte, ok bool) {
	if r.ContentLength > int64(limit) {
		return buf, false
	}
	lr := io.LimitReader(r.Body, int64(limit)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return buf, false
		}
		if err == io.EOF {
			return buf, true
		}
		if err != nil {
			return nil, true
		}
	}
}
