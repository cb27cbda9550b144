package dispatch_test

import (
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/nsrt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// memSession is an in-memory router.Session that keeps the Socket.IO
// packets the router sends, or only counts them when discard is set.
type memSession struct {
	discard bool
	sent    atomic.Int64
	closed  atomic.Bool
	req     *http.Request

	mu   sync.Mutex
	msgs []engine.Packet
}

func newMemSession(discard bool) *memSession {
	req := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket", nil)
	req.RemoteAddr = "pipe"
	return &memSession{discard: discard, req: req}
}

func (s *memSession) ID() string             { return "eio1" }
func (s *memSession) Request() *http.Request { return s.req }
func (s *memSession) Close()                 { s.closed.Store(true) }

func (s *memSession) Send(packets ...engine.Packet) error {
	s.sent.Add(int64(len(packets)))
	if s.discard {
		return nil
	}
	s.mu.Lock()
	for _, p := range packets {
		p.Data = append([]byte(nil), p.Data...)
		s.msgs = append(s.msgs, p)
	}
	s.mu.Unlock()
	return nil
}

func (s *memSession) SendVolatile(packets ...engine.Packet) bool { return s.Send(packets...) == nil }

// packets decodes what the session was sent and forgets it.
func (s *memSession) packets(t testing.TB) []*protocol.Packet {
	t.Helper()
	s.mu.Lock()
	msgs := s.msgs
	s.msgs = nil
	s.mu.Unlock()
	dec := protocol.NewDecoder(protocol.Limits{})
	var out []*protocol.Packet
	for _, m := range msgs {
		var (
			p    *protocol.Packet
			done bool
			err  error
		)
		if m.Binary {
			p, done, err = dec.DecodeBinary(m.Data)
		} else {
			p, done, err = dec.DecodeText(m.Data)
		}
		if err != nil {
			t.Fatalf("invalid packet %q: %v", m.Data, err)
		}
		if done {
			out = append(out, p)
		}
	}
	return out
}

// harness is a Router serving one namespace struct at "/" to one
// in-memory connection.
type harness struct {
	r    *dispatch.Router
	rt   *nsrt.Runtime
	sess *memSession
	recv engine.Receiver
}

// newHarness serves ns and connects a client to it.
func newHarness(tb testing.TB, ns any, o dispatch.Options, discard bool) *harness {
	tb.Helper()
	table, err := dispatch.Compile(ns)
	if err != nil {
		tb.Fatal(err)
	}
	rt, err := nsrt.New("/", nsrt.Options{Tracer: o.Tracer})
	if err != nil {
		tb.Fatal(err)
	}
	r := dispatch.New(o)
	if err := r.Handle(rt, table); err != nil {
		tb.Fatal(err)
	}
	h := &harness{r: r, rt: rt, sess: newMemSession(discard)}
	h.recv = r.Open(h.sess)
	h.recv.OnMessage([]byte("0"), false)
	tb.Cleanup(func() {
		h.recv.OnClose(engine.ReasonTransportClose)
		rt.Close()
	})
	if rt.Len() != 1 {
		tb.Fatalf("the client did not join: %d sockets", rt.Len())
	}
	return h
}
