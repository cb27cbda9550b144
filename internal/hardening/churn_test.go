package hardening

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/inproc"
)

// residue is what a server holds besides its idle state.
type residue struct {
	goroutines, fds, sessions, rooms, sockets int
	heap                                      int64
}

func (s *server) residue(t testing.TB) residue {
	m, ok := inproc.Adapter(s.app.Of("/")).(*adapter.Memory)
	if !ok {
		t.Fatal("adapter is not *adapter.Memory")
	}
	rooms, sockets := m.Size()
	return residue{runtime.NumGoroutine(), fdCount(t), inproc.Sessions(s.app), rooms, sockets, int64(liveHeap())}
}

// settle waits until the server is back to base (heap within 1 MB,
// goroutines and fds within 2) and fails the test otherwise.
func (s *server) settle(t testing.TB, base residue, timeout time.Duration) (residue, time.Duration) {
	start := time.Now()
	var r residue
	ok := eventually(timeout, func() bool {
		r = s.residue(t)
		return r.sessions == 0 && r.rooms == 0 && r.sockets == 0 &&
			r.goroutines <= base.goroutines+2 && r.fds <= base.fds+2
	})
	took := time.Since(start)
	if !ok {
		t.Errorf("after %s: %+v, base %+v", took, r, base)
	}
	if r.heap > base.heap+1<<20 {
		t.Errorf("heap %s above base", mb(r.heap-base.heap))
	}
	return r, took
}

// TestAbandonedPolling: 2,000 polling sessions that join "/" and are then
// abandoned are gone after pingInterval + pingTimeout, with goroutines,
// fds, rooms and heap back to their base.
func TestAbandonedPolling(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 500
	}
	ping := engine.Options{PingInterval: 2 * time.Second, PingTimeout: time.Second}
	s := newServer(t, app.Options{Engine: ping})
	hc := httpClient(t)
	base := s.residue(t)
	var wg sync.WaitGroup
	work := make(chan struct{})
	for range 16 {
		wg.Go(func() {
			for range work {
				s.dialPolling(t, hc)
			}
		})
	}
	start := time.Now()
	peak := 0
	for i := range n {
		work <- struct{}{}
		if i%200 == 0 {
			peak = max(peak, inproc.Sessions(s.app))
		}
	}
	close(work)
	wg.Wait()
	opened := time.Since(start)
	hc.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	r, took := s.settle(t, base, 10*time.Second)
	if limit := ping.PingInterval + ping.PingTimeout + 2*time.Second; took > limit {
		t.Errorf("sessions gone %s after the last was opened, want within %s", took, limit)
	}
	t.Logf("%d sessions opened in %s (up to %d open at once); all gone %s later; residue %+v, base %+v",
		n, opened.Round(time.Millisecond), peak, took.Round(time.Millisecond), r, base)
}

// TestWebsocketChurn: 5,000 websocket connect/disconnect cycles leave no
// goroutine, fd, room, socket or session behind.
func TestWebsocketChurn(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	s := newServer(t, app.Options{})
	base := s.residue(t)
	var wg sync.WaitGroup
	work := make(chan int)
	start := time.Now()
	for range 4 {
		wg.Go(func() {
			for i := range work {
				c := s.dialWS(t, "")
				if i%2 == 0 {
					c.write(`41`) // leave the namespace first
				}
				c.close()
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	cycles := time.Since(start)
	r, took := s.settle(t, base, 10*time.Second)
	t.Logf("%d cycles in %s; back to base %s later; residue %+v, base %+v",
		n, cycles.Round(time.Millisecond), took.Round(time.Millisecond), r, base)
}
