package hardening

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
)

const queueLimit = 4 << 20 // engine.Options.MaxQueuedBytes default

// reader counts the "msg" events a well-behaved client receives and
// checks they come in order.
type reader struct {
	c        *wsClient
	received atomic.Int64
	bad      atomic.Value // string: first out-of-order or lost message
	done     chan struct{}
}

func (c *wsClient) readMsgs() *reader {
	r := &reader{c: c, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			msg, err := c.next(30 * time.Second)
			if err != nil {
				return
			}
			rest, ok := strings.CutPrefix(msg, `42["msg",`)
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(rest[:strings.IndexByte(rest, ',')], 10, 64)
			if want := r.received.Load(); err != nil || n != want {
				r.bad.CompareAndSwap(nil, fmt.Sprintf("got message %d, want %d", n, want))
			}
			r.received.Add(1)
		}
	}()
	return r
}

func (r *reader) err() string {
	if v := r.bad.Load(); v != nil {
		return v.(string)
	}
	return ""
}

// broadcast emits count messages of size bytes to room "bench", each
// carrying its sequence number, never more than window ahead of r. Every
// sampleEvery messages it lets r catch up and calls sample, so that the
// heap is measured while nothing else allocates.
func broadcast(t testing.TB, s *server, r *reader, count, size, window, sampleEvery int, sample func()) {
	pad := strings.Repeat("x", size)
	nsp := s.app.Of("/")
	wait := func(ahead int) {
		for {
			select {
			case <-r.done:
				t.Fatalf("well-behaved client gone after %d messages: %s", r.received.Load(), r.err())
			default:
			}
			if int64(ahead)-r.received.Load() <= int64(window) {
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	for i := range count {
		wait(i)
		if sample != nil && i%sampleEvery == 0 {
			w := window
			window = 0
			wait(i)
			window = w
			sample()
		}
		if err := nsp.To("bench").Emit("msg", i, pad); err != nil {
			t.Fatalf("emit %d: %v", i, err)
		}
	}
}

// TestSlowConsumer: a client that never reads while 20,000 broadcasts of
// 10 KB go out is cut off with reason "slow consumer" within seconds and
// costs at most the queue limit plus a small constant; a client that
// reads gets every message, in order.
func TestSlowConsumer(t *testing.T) {
	const count, size = 20_000, 10 << 10
	s := newServer(t, app.Options{})
	good := s.dialWS(t, "")
	defer good.close()
	slow := s.dialWS(t, "")
	defer slow.close()
	r := good.readMsgs()

	base := liveHeap()
	var peak uint64
	sample := func() { peak = max(peak, liveHeap()) }
	start := time.Now()
	var (
		cutAfter   time.Duration
		sentAtCut  int64
		cutRecords = make(chan struct{})
	)
	go func() {
		defer close(cutRecords)
		s.waitReasonLong(slow.sid, 60*time.Second)
		cutAfter, sentAtCut = time.Since(start), r.received.Load()
	}()
	broadcast(t, s, r, count, size, 100, 50, sample)
	if !eventually(30*time.Second, func() bool { return r.received.Load() == count }) {
		t.Fatalf("well-behaved client received %d of %d: %s", r.received.Load(), count, r.err())
	}
	grew := int64(peak) - int64(base)
	elapsed := time.Since(start)
	if e := r.err(); e != "" {
		t.Errorf("well-behaved client: %s", e)
	}
	<-cutRecords
	reason := s.hub.reason(slow.sid)
	t.Logf("%d broadcasts of %d KB in %s; slow client reason %q after %s and %d messages (%s sent to it); peak live heap growth %s",
		count, size>>10, elapsed.Round(time.Millisecond), reason, cutAfter.Round(time.Millisecond), sentAtCut, mb(sentAtCut*size), mb(grew))
	if reason != engine.ReasonSlowConsumer {
		t.Fatalf("slow client reason %q, want %q", reason, engine.ReasonSlowConsumer)
	}
	if limit := int64(queueLimit + 2<<20); grew > limit {
		t.Errorf("heap grew by %s, want at most %s (queue limit + 2 MB)", mb(grew), mb(limit))
	}
}

// waitReasonLong waits up to timeout for socket id to disconnect.
func (s *server) waitReasonLong(id string, timeout time.Duration) string {
	var r string
	eventually(timeout, func() bool { r = s.hub.reason(id); return r != "" })
	return r
}

// TestAckFlood: a client that sends events with ack ids as fast as it can
// and never reads its acks is held to the outgoing limit and cut off;
// memory stays flat and a neighbour goes on.
func TestAckFlood(t *testing.T) {
	s := newServer(t, app.Options{})
	neighbour := s.dialWS(t, "")
	defer neighbour.close()
	flood := s.dialWS(t, "")
	defer flood.close()
	base := liveHeap()
	peak := watchHeap(50 * time.Millisecond)
	start := time.Now()
	pad := strings.Repeat("y", 1<<10)
	var sent int64
	floodDone := make(chan struct{})
	go func() {
		defer close(floodDone)
		flood.c.SetWriteDeadline(time.Now().Add(60 * time.Second))
		for i := 0; ; i++ {
			msg := fmt.Sprintf(`42%d["echo",%q]`, i, pad)
			if flood.c.WriteMessage(websocket.TextMessage, []byte(msg)) != nil {
				return
			}
			sent++
		}
	}()
	// The neighbour keeps getting answers while the flood goes on.
	var worst time.Duration
	for i := 0; ; i++ {
		select {
		case <-floodDone:
		default:
			t0 := time.Now()
			neighbour.write(fmt.Sprintf(`42%d["echo","hi"]`, i))
			if got, want := neighbour.read(), fmt.Sprintf(`43%d["hi"]`, i); got != want {
				t.Fatalf("neighbour got %q, want %q", got, want)
			}
			worst = max(worst, time.Since(t0))
			continue
		}
		break
	}
	reason := s.waitReasonLong(flood.sid, 10*time.Second)
	elapsed := time.Since(start)
	grew := int64(peak.Stop()) - int64(base)
	t.Logf("flood of %d events (1 KB, with ack ids) cut off after %s with reason %q; peak live heap growth %s; neighbour's worst round trip %s",
		sent, elapsed.Round(time.Millisecond), reason, mb(grew), worst.Round(time.Microsecond))
	if reason != engine.ReasonSlowConsumer {
		t.Errorf("flooding client reason %q, want %q", reason, engine.ReasonSlowConsumer)
	}
	if limit := int64(queueLimit + 8<<20); grew > limit {
		t.Errorf("heap grew by %s, want at most %s", mb(grew), mb(limit))
	}
}

// TestInboundBounded: while a handler is blocked, the reader stops after a
// few packets, so a client flooding events fills TCP buffers, not the
// server's heap.
func TestInboundBounded(t *testing.T) {
	s := newServer(t, app.Options{})
	c := s.dialWS(t, "")
	defer c.close()
	c.write(`42["block"]`)
	base := liveHeap()
	pad := strings.Repeat("z", 1<<10)
	var sent int
	c.c.SetWriteDeadline(time.Now().Add(3 * time.Second))
	for i := 0; ; i++ {
		if c.c.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`42%d["echo",%q]`, i, pad))) != nil {
			break // the write deadline: the server stopped reading
		}
		sent++
	}
	grew := int64(liveHeap()) - int64(base)
	t.Logf("with one handler blocked, the client could write %d events (%s) before TCP pushed back; heap growth %s",
		sent, mb(int64(sent)*(1<<10)), mb(grew))
	if grew > 2<<20 {
		t.Errorf("heap grew by %s while the handler was blocked", mb(grew))
	}
	if r := s.hub.reason(c.sid); r != "" {
		t.Errorf("socket closed (%q) while its handler was blocked", r)
	}
}
