package dispatch_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/memsession"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newMemSession returns an in-memory session that keeps the Socket.IO
// packets the router sends, or only counts them when discard is set.
func newMemSession(discard bool) *memsession.Session {
	return memsession.New(memsession.Options{ID: "eio1", Keep: !discard})
}

// packets decodes what s was sent and forgets it.
func packets(t testing.TB, s *memsession.Session) []*protocol.Packet {
	t.Helper()
	out, err := s.Packets()
	if err != nil {
		t.Fatalf("invalid packet: %v", err)
	}
	s.Reset()
	return out
}

// harness is a Router serving one namespace struct at "/" to one
// in-memory connection.
type harness struct {
	r    *dispatch.Router
	rt   *nsrt.Runtime
	sess *memsession.Session
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
