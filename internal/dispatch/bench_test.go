package dispatch_test

import (
	"io"
	"testing"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/trace"
)

// benchNS has one handler per dispatch path measured.
type benchNS struct{}

type benchMsg struct {
	Room string `json:"room" validate:"required"`
	Text string `json:"text" validate:"max=200"`
}

// OnTyped decodes and validates a struct (reflect.Call path) and acks it.
func (*benchNS) OnTyped(s *sock, m benchMsg) (benchMsg, error) { return m, nil }

// OnFast takes a string: a fixed shape called without reflection.
func (*benchNS) OnFast(s *sock, text string) error { return nil }

var (
	typedMsg = []byte(`21["typed",{"room":"lobby","text":"hello"}]`)
	fastMsg  = []byte(`21["fast","hello"]`)
)

// dispatch runs one EVENT through the router, from decoding to the ack
// handed to the session, n times.
func benchDispatch(b *testing.B, msg []byte, o dispatch.Options) {
	h := newHarness(b, &benchNS{}, o, true)
	before := h.sess.Sent()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.recv.OnMessage(msg, false)
	}
	b.StopTimer()
	if acks := h.sess.Sent() - before; acks < int64(b.N) {
		b.Fatalf("%d acks for %d events", acks, b.N)
	}
}

func BenchmarkDispatchTyped(b *testing.B) { benchDispatch(b, typedMsg, dispatch.Options{}) }

func BenchmarkDispatchFast(b *testing.B) { benchDispatch(b, fastMsg, dispatch.Options{}) }

func BenchmarkDispatchTraced(b *testing.B) {
	benchDispatch(b, typedMsg, dispatch.Options{Tracer: trace.New(debug.Options{Output: io.Discard, JSON: true})})
}
