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
	next  chan job
	timer *time.Timer
}

// job is a session's dispatcher run, or a read of its readable websocket.
type job struct {
	s    *Session
	read bool
}

func (j job) do() {
	if j.read {
		j.s.pollRead()
	} else {
		j.s.dispatch()
	}
}

const (
	maxIdleWorkers    = 64
	workerIdleTimeout = 200 * time.Millisecond
)

// run dispatches s (or, with read, reads its websocket) on an idle
// worker, or on a new one.
func (w *workers) run(s *Session, read bool) {
	j := job{s, read}
	w.mu.Lock()
	if n := len(w.idle); n > 0 {
		wk := w.idle[n-1]
		w.idle = w.idle[:n-1]
		w.mu.Unlock()
		wk.next <- j
		return
	}
	w.mu.Unlock()
	go w.loop(j)
}

func (w *workers) loop(j job) {
	wk := &worker{next: make(chan job)}
	for j.s != nil {
		j.do()
		j = w.park(wk)
	}
}

// park waits for the next job; a zero job tells the worker to exit.
func (w *workers) park(wk *worker) job {
	w.mu.Lock()
	if w.stop || len(w.idle) >= maxIdleWorkers {
		w.mu.Unlock()
		return job{}
	}
	w.idle = append(w.idle, wk)
	w.mu.Unlock()
	if wk.timer == nil {
		wk.timer = time.NewTimer(workerIdleTimeout)
	} else {
		wk.timer.Reset(workerIdleTimeout)
	}
	select {
	case j := <-wk.next:
		wk.timer.Stop()
		return j
	case <-wk.timer.C:
	}
	w.mu.Lock()
	for i, x := range w.idle {
		if x == wk { // still idle: leave
			w.idle = append(w.idle[:i], w.idle[i+1:]...)
			w.mu.Unlock()
			return job{}
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
		wk.next <- job{}
	}
}
