package hardening

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
)

// TestSoak mixes well-behaved websocket clients, which must receive every
// broadcast in order, with slow ones (never read), flooding ones (events
// with ack ids, never read), malformed ones and abandoned polling
// sessions, all reconnecting for the whole run. It asserts the live heap
// never grows by more than soakBound: one outgoing queue limit per slow or
// flooding client that can be connected at once, plus 24 MB for the rest
// (abandoned polling sessions, buffers in flight, the clients' own heap
// and what the sampler sees allocated during a collection).
func TestSoak(t *testing.T) {
	d := *soakFor
	switch {
	case d > 0:
	case testing.Short():
		d = 5 * time.Second
	default:
		d = 10 * time.Second
	}
	const good, slow, flood, size = 4, 2, 2, 2 << 10
	soakBound := int64((slow+flood)*queueLimit + 24<<20)
	s := newServer(t, app.Options{Logf: func(string, ...any) {}})
	hc := httpClient(t)
	base := s.residue(t)

	readers := make([]*reader, good)
	for i := range readers {
		c := s.dialWS(t, "")
		defer c.close()
		readers[i] = c.readMsgs()
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var cycles [4]atomic.Int64 // slow, flood, malformed, polling
	loop := func(kind int, fn func()) {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				fn()
				cycles[kind].Add(1)
			}
		})
	}
	for range slow {
		loop(0, func() {
			c := s.dialWS(t, "")
			s.waitReasonLong(c.sid, 5*time.Second) // cut off, or give up
			c.close()
		})
	}
	pad := strings.Repeat("f", 1<<10)
	for range flood {
		loop(1, func() {
			c := s.dialWS(t, "")
			c.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			for i := 0; c.c.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`42%d["echo",%q]`, i, pad))) == nil; i++ {
			}
			c.close()
		})
	}
	loop(2, func() {
		for _, tt := range malformedCases {
			c := s.dialWS(t, "")
			for _, m := range tt.msgs {
				mt := websocket.TextMessage
				if m.binary {
					mt = websocket.BinaryMessage
				}
				c.c.WriteMessage(mt, m.data)
			}
			c.close()
		}
	})
	loop(3, func() {
		s.dialPolling(t, hc)
		time.Sleep(10 * time.Millisecond)
	})

	peak := watchHeap(200 * time.Millisecond)
	start := time.Now()
	sent := 0
	msg := strings.Repeat("m", size)
	for time.Since(start) < d {
		for range 100 {
			for {
				min := readers[0].received.Load()
				for _, r := range readers[1:] {
					min = minInt(min, r.received.Load())
				}
				if int64(sent)-min <= 200 {
					break
				}
				for _, r := range readers {
					select {
					case <-r.done:
						t.Fatalf("well-behaved client gone after %d messages: %s", r.received.Load(), r.err())
					default:
					}
				}
				time.Sleep(200 * time.Microsecond)
			}
			if err := s.app.Of("/").To("bench").Emit("msg", sent, msg); err != nil {
				t.Fatalf("emit: %v", err)
			}
			sent++
		}
	}
	close(stop)
	wg.Wait()
	for i, r := range readers {
		if !eventually(10*time.Second, func() bool { return r.received.Load() == int64(sent) }) || r.err() != "" {
			t.Errorf("good client %d received %d of %d: %s", i, r.received.Load(), sent, r.err())
		}
	}
	grew := int64(peak.Stop()) - int64(base.heap)
	t.Logf("soak %s: %d broadcasts of %d KB to %d good clients, all received in order; cycles: slow %d, flooding %d, malformed %d×%d, polling %d; peak live heap growth %s (bound %s)",
		d, sent, size>>10, good, cycles[0].Load(), cycles[1].Load(), cycles[2].Load(), len(malformedCases), cycles[3].Load(), mb(grew), mb(soakBound))
	if grew > soakBound {
		t.Errorf("heap grew by %s, bound %s", mb(grew), mb(soakBound))
	}
	for _, r := range readers {
		r.c.close()
	}
	hc.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
}

func minInt(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
