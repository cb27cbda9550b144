package engine

import (
	"sync"
	"time"
)

// workers runs the sessions' dispatchers, poller reads and websocket
// writes on a small pool of goroutines whose stacks have already grown to
// what handlers need, instead of starting a goroutine for each. A goroutine
// started per message would grow its stack (and copy it) on every message;
// a goroutine per connection would keep that stack while the connection is
// idle. Busy pools grow without bound (a blocked handler holds its worker);
// idle workers beyond maxIdle, or idle for idleTimeout, exit.
type workers struct {
	mu       sync.Mutex
	idle     []*worker // parked, the longest idle first
	stop     bool
	sweep    *time.Timer // trims workers idle for workerIdleTimeout
	sweeping bool        // sweep is armed
}

type worker struct {
	next  chan job
	since time.Time // parked since
}

// job is a session's dispatcher run, a read of its readable websocket or
// a write of its queue to its websocket.
type job struct {
	s    *Session
	kind jobKind
}

type jobKind uint8

const (
	jobDispatch jobKind = iota
	jobRead
	jobFlush
)

func (j job) do() {
	switch j.kind {
	case jobRead:
		j.s.pollRead()
	case jobFlush:
		j.s.flushWebsocket()
	default:
		j.s.dispatch()
	}
}

const (
	maxIdleWorkers    = 64
	workerIdleTimeout = 200 * time.Millisecond
)

// run does a job of kind for s on an idle worker, or on a new one.
func (w *workers) run(s *Session, kind jobKind) {
	j := job{s, kind}
	w.mu.Lock()
	if n := len(w.idle); n > 0 {
		wk := w.idle[n-1]
		w.idle = w.idle[:n-1]
		w.mu.Unlock()
		wk.next <- j
		return
	}
	w.mu.Unlock()
	if kind == jobFlush {
		// A burst (a broadcast's writes): a plain goroutine, no worker
		// to make and park for each.
		go s.flushWebsocket()
		return
	}
	go w.loop(j)
}

func (w *workers) loop(j job) {
	wk := &worker{next: make(chan job)}
	for j.s != nil {
		j.do()
		j = w.park(wk)
	}
}

// park waits for the next job; a zero job tells the worker to exit. A
// parked worker waits on its channel alone: one sweep timer for the pool,
// not one per worker reset on every job, trims those idle too long.
func (w *workers) park(wk *worker) job {
	w.mu.Lock()
	if w.stop || len(w.idle) >= maxIdleWorkers {
		w.mu.Unlock()
		return job{}
	}
	wk.since = time.Now()
	w.idle = append(w.idle, wk)
	if !w.sweeping {
		w.sweeping = true
		if w.sweep == nil {
			w.sweep = time.AfterFunc(workerIdleTimeout, w.trim)
		} else {
			w.sweep.Reset(workerIdleTimeout)
		}
	}
	w.mu.Unlock()
	return <-wk.next
}

// trim makes the workers idle for workerIdleTimeout exit, and arms the
// sweep again for the next one while any is idle.
func (w *workers) trim() {
	w.mu.Lock()
	now := time.Now()
	n := 0
	for n < len(w.idle) && now.Sub(w.idle[n].since) >= workerIdleTimeout {
		n++
	}
	expired := append([]*worker(nil), w.idle[:n]...)
	rest := copy(w.idle, w.idle[n:])
	clear(w.idle[rest:])
	w.idle = w.idle[:rest]
	w.sweeping = rest > 0 && !w.stop
	if w.sweeping {
		w.sweep.Reset(workerIdleTimeout - now.Sub(w.idle[0].since))
	}
	w.mu.Unlock()
	for _, wk := range expired {
		wk.next <- job{}
	}
}

// close makes idle workers exit and busy ones exit when done.
func (w *workers) close() {
	w.mu.Lock()
	w.stop = true
	idle := w.idle
	w.idle = nil
	if w.sweep != nil {
		w.sweep.Stop()
	}
	w.sweeping = false
	w.mu.Unlock()
	for _, wk := range idle {
		wk.next <- job{}
	}
}
