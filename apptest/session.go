package apptest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/protocol"
)

// session is the in-memory Engine.IO session a Client hands to the app:
// what the server sends is decoded and delivered to the client at once,
// and closing it ends the connection as a dropped transport would.
type session struct {
	id  string
	req *http.Request
	c   *Client

	mu     sync.Mutex // serializes decoding; Send is atomic per call
	dec    *protocol.Decoder
	closed bool
}

var _ dispatch.Session = (*session)(nil)

func newSession(c *Client, header http.Header, query string) *session {
	var b [15]byte
	rand.Read(b[:])
	req := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket"+query, nil)
	req.RemoteAddr = "pipe"
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return &session{id: base64.RawURLEncoding.EncodeToString(b[:]), req: req, c: c, dec: protocol.NewDecoder(protocol.Limits{})}
}

// ID returns the session id.
func (s *session) ID() string { return s.id }

// Request returns the synthetic handshake request.
func (s *session) Request() *http.Request { return s.req }

// Send decodes packets and hands each complete Socket.IO packet to the
// client, in order.
func (s *session) Send(packets ...engine.Packet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return engine.ErrClosed
	}
	for _, p := range packets {
		var (
			pkt  *protocol.Packet
			done bool
			err  error
		)
		if p.Binary {
			pkt, done, err = s.dec.DecodeBinary(p.Data)
		} else {
			pkt, done, err = s.dec.DecodeText(p.Data)
		}
		if err != nil {
			s.c.fail(err)
			continue
		}
		if done {
			s.c.receive(pkt)
		}
	}
	return nil
}

// SendVolatile sends packets: the in-memory session always has room.
func (s *session) SendVolatile(packets ...engine.Packet) bool { return s.Send(packets...) == nil }

// Close ends the session from the server side.
func (s *session) Close() { s.c.closeSession(engine.ReasonForcedServerSide) }

// markClosed reports whether the session was open, and closes it.
func (s *session) markClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := !s.closed
	s.closed = true
	return was
}

// isClosed reports whether the session ended.
func (s *session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
