// Package memsession is the library's one in-memory Engine.IO session: it
// takes what the server sends to a client the way an engine.Session does,
// but decodes it instead of writing it to a network. Package apptest
// builds its test client on it, and the tests of the dispatcher and of
// package namespace use it as their fake connection.
package memsession

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/protocol"
)

// Options configures a Session; the zero value keeps nothing and decodes
// nothing, and only counts what is sent.
type Options struct {
	// ID is the session id (default: random).
	ID string
	// Request is the handshake request (default: a websocket handshake
	// GET from RemoteAddr "pipe").
	Request *http.Request
	// Keep keeps the messages sent, for Packets.
	Keep bool
	// OnPacket receives each complete Socket.IO packet sent, in order, as
	// Send decodes it; OnInvalid receives a message that does not decode.
	OnPacket  func(*protocol.Packet)
	OnInvalid func(error)
	// Msgpack decodes what is sent with the msgpack parser (each binary
	// message is one whole packet) instead of the JSON one.
	Msgpack bool
	// OnClose, when set, is what Close does instead of marking the session
	// closed: the owner ends the session its way and calls MarkClosed.
	OnClose func()
}

// Session is an in-memory Engine.IO session. Its methods are safe for
// concurrent use.
type Session struct {
	sent      atomic.Int64
	countOnly bool // neither kept nor decoded: Send only counts
	o         Options
	// Busy makes SendVolatile refuse packets while set, as a session
	// whose queue is full does.
	Busy atomic.Bool

	mu     sync.Mutex // serializes decoding; Send is atomic per call
	dec    *protocol.Decoder
	mp     *msgpack.Decoder // with Options.Msgpack
	msgs   []engine.Packet
	closed bool
}

// New returns a Session configured by o.
func New(o Options) *Session {
	if o.ID == "" {
		var b [15]byte
		rand.Read(b[:])
		o.ID = base64.RawURLEncoding.EncodeToString(b[:])
	}
	if o.Request == nil {
		o.Request = httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket", nil)
		o.Request.RemoteAddr = "pipe"
	}
	s := &Session{o: o, countOnly: !o.Keep && o.OnPacket == nil, dec: protocol.NewDecoder(protocol.Limits{})}
	if o.Msgpack {
		s.mp = msgpack.NewDecoder(msgpack.Limits{})
	}
	return s
}

// ID returns the session id.
func (s *Session) ID() string { return s.o.ID }

// Request returns the handshake request.
func (s *Session) Request() *http.Request { return s.o.Request }

// Send takes packets as the server sends them: it counts them, keeps them
// when Options.Keep is set, and hands each complete Socket.IO packet to
// Options.OnPacket. It fails with engine.ErrClosed once the session closed.
func (s *Session) Send(packets ...engine.Packet) error {
	s.sent.Add(int64(len(packets)))
	if s.countOnly {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return engine.ErrClosed
	}
	for _, p := range packets {
		if s.o.Keep {
			p.Data = slices.Clone(p.Data)
			s.msgs = append(s.msgs, p)
		}
		if s.o.OnPacket == nil {
			continue
		}
		pkt, done, err := decode(s.dec, s.mp, p)
		switch {
		case err != nil && s.o.OnInvalid != nil:
			s.o.OnInvalid(err)
		case done:
			s.o.OnPacket(pkt)
		}
	}
	return nil
}

// WaitingForClient does nothing: an in-memory session has no reader to
// hand over, its client's packets arrive on the client's goroutine.
func (s *Session) WaitingForClient() {}

// SendVolatile sends packets unless Busy is set.
func (s *Session) SendVolatile(packets ...engine.Packet) bool {
	if s.Busy.Load() {
		return false
	}
	return s.Send(packets...) == nil
}

// Close ends the session from the server side: it runs Options.OnClose,
// else marks the session closed.
func (s *Session) Close() {
	if s.o.OnClose != nil {
		s.o.OnClose()
		return
	}
	s.MarkClosed()
}

// MarkClosed closes the session without running Options.OnClose, and
// reports whether it was open.
func (s *Session) MarkClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := !s.closed
	s.closed = true
	return was
}

// Closed reports whether the session ended.
func (s *Session) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Sent returns the number of engine packets sent so far.
func (s *Session) Sent() int64 { return s.sent.Load() }

// Messages returns a copy of the kept messages.
func (s *Session) Messages() []engine.Packet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Reset forgets the kept messages.
func (s *Session) Reset() {
	s.mu.Lock()
	s.msgs = nil
	s.mu.Unlock()
}

// Packets decodes the kept messages into Socket.IO packets.
func (s *Session) Packets() ([]*protocol.Packet, error) {
	dec := protocol.NewDecoder(protocol.Limits{})
	var mp *msgpack.Decoder
	if s.o.Msgpack {
		mp = msgpack.NewDecoder(msgpack.Limits{})
	}
	var out []*protocol.Packet
	for _, m := range s.Messages() {
		p, done, err := decode(dec, mp, m)
		if err != nil {
			return out, err
		}
		if done {
			out = append(out, p)
		}
	}
	return out, nil
}

// decode feeds one engine packet to dec, or decodes it with mp when set.
func decode(dec *protocol.Decoder, mp *msgpack.Decoder, p engine.Packet) (*protocol.Packet, bool, error) {
	if mp != nil {
		if !p.Binary {
			return nil, false, fmt.Errorf("%w: text message on a msgpack session", protocol.ErrInvalidPacket)
		}
		pkt, err := mp.Decode(p.Data)
		return pkt, err == nil, err
	}
	if p.Binary {
		return dec.DecodeBinary(p.Data)
	}
	return dec.DecodeText(p.Data)
}
