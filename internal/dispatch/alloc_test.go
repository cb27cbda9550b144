package dispatch_test

import (
	"io"
	"testing"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/trace"
)

// Allocation bounds of one EVENT with an ack through the router, decode to
// ack, measured with testing.AllocsPerRun on go1.26 linux/amd64:
//
//	fast (string arg)   13, with or without -race. A memory profile puts
//	                    them in: the decoded packet and its payload copy,
//	                    splitting the args, json-decoding the string, the
//	                    *router.Event escaping, reflect's method-value trampoline
//	                    (the bound method is still called through reflect's
//	                    makeMethodValue stub), and encoding the ack.
//	typed (struct arg)  27 (29 under -race, where sync.Pool drops the
//	                    validator's pooled state): the reflect.Call path.
//
// Tracing off must cost nothing: the untraced counts are pinned, and the
// traced count must be higher, so the measurement does see the tracer's
// work and that work is skipped when it is off.
const (
	maxFastAllocs  = 13
	maxTypedAllocs = 27
)

func allocsPerEvent(t *testing.T, msg []byte, o dispatch.Options) float64 {
	h := newHarness(t, &benchNS{}, o, true)
	before := h.sess.Sent()
	n := testing.AllocsPerRun(200, func() { h.recv.OnMessage(msg, false) })
	if h.sess.Sent()-before < 200 {
		t.Fatalf("only %d acks were sent", h.sess.Sent()-before)
	}
	return n
}

func TestDispatchAllocs(t *testing.T) {
	fast := allocsPerEvent(t, fastMsg, dispatch.Options{})
	typed := allocsPerEvent(t, typedMsg, dispatch.Options{})
	traced := allocsPerEvent(t, typedMsg, dispatch.Options{Tracer: trace.New(debug.Options{Output: io.Discard, JSON: true})})
	t.Logf("allocs per event: fast %v, typed %v, typed traced %v", fast, typed, traced)
	if fast > maxFastAllocs {
		t.Errorf("fast path: %v allocs per event, want <= %d", fast, maxFastAllocs)
	}
	if typed > maxTypedAllocs && !raceEnabled {
		t.Errorf("typed path: %v allocs per event, want <= %d", typed, maxTypedAllocs)
	}
	if traced <= typed {
		t.Errorf("traced %v allocs <= untraced %v: the measurement does not see the tracer", traced, typed)
	}
}
