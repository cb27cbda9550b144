package engine

import (
	"sync"
	"time"
)

// workers runs the sessions' dispatchers on a small pool of goroutines
// whose stacks have already grown to what handlers need. A goroutine
// started per message would grow its stack (and copy it) on every message;
// a goroutine per connection would keep that stack while the connection is
// idle. Busy pools grow without bound (a blocked handler holds its worker);
// idle workers beyond maxIdle, or idle for idleTimeout, exit.
type workers struct {
	mu   sync.Mutex
	idle []*worker
	stop bool
}

type worker struct {
	next  chan *Session
	timer *time.Timer
}

const (
	maxIdleWorkers    = 64
	workerIdleTimeout = 200 * time.Millisecond
)

// run dispatches s on an idle worker, or on a new one.
func (w *workers) run(s *Session) {
	w.mu.Lock()
	if n := len(w.idle); n > 0 {
		wk := w.idle[n-1]
		w.idle = w.idle[:n-1]
		w.mu.Unlock()
		wk.next <- s
		return
	}
	w.mu.Unlock()
	go w.loop(s)
}

func (w *workers) loop(s *Session) {
	wk := &worker{next: make(chan *Session)}
	for s != nil {
		s.dispatch()
		s = w.park(wk)
	}
}

// park waits for the next session to dispatch; nil tells the worker to exit.
func (w *workers) park(wk *worker) *Session {
	w.mu.Lock()
	if w.stop || len(w.idle) >= maxIdleWorkers {
		w.mu.Unlock()
		return nil
	}
	w.idle = append(w.idle, wk)
	w.mu.Unlock()
	if wk.timer == nil {
		wk.timer = time.NewTimer(workerIdleTimeout)
	} else {
		wk.timer.Reset(workerIdleTimeout)
	}
	select {
	case s := <-wk.next:
		wk.timer.Stop()
		return s
	case <-wk.timer.C:
	}
	w.mu.Lock()
	for i, x := range w.idle {
		if x == wk { // still idle: leave
			w.idle = append(w.idle[:i], w.idle[i+1:]...)
			w.mu.Unlock()
			return nil
		}
	}
	w.mu.Unlock()
	return <-wk.next // taken just as the timer fired
}

// close makes idle workers exit and busy ones exit when done.
func (w *workers) close() {
	w.mu.Lock()
	w.stop = true
	idle := w.idle
	w.idle = nil
	w.mu.Unlock()
	for _, wk := range idle {
		wk.next <- nil
	}
}
