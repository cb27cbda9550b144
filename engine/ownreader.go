package engine

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// handedOver is ownReader.handling once the reading was given to a new
// goroutine.
const handedOver = ^uint32(0)

// watchInterval is how often the watchdog looks at the reader goroutines:
// a handler that blocks its reader gets the reading handed over after one
// to two intervals.
const watchInterval = 10 * time.Millisecond

// ownReader is a websocket read by a goroutine of its own, which also runs
// the handlers of what it reads (Session.readWebsocket).
type ownReader struct {
	s    *Session
	conn net.Conn
	rd   *frameReader
	// handling is the number of the handling run going on on the reader,
	// 0 while it reads, or handedOver once the reading was given to a new
	// goroutine; the reader and whoever hands over race for it with a
	// compare-and-swap, so exactly one of them reads on.
	handling atomic.Uint32
	// leaving is set when the heartbeat found the websocket idle for a
	// ping interval: the reader's Read is cut short, and it hands the
	// connection back to the poller and ends, freeing its place and its
	// stack for a busier client.
	leaving atomic.Bool
	stay    bool   // the poller cannot take the connection (the reader's own)
	runs    uint32 // handling runs so far (the reader's own)
	seen    uint32 // handling at the watchdog's last look (the watchdog's)
	index   int    // in readerWatch.readers
}

// handle runs the session's dispatcher on the reader, the caller having
// become the dispatcher; it reports false if the reading was handed over
// meanwhile, when the caller must stop reading.
func (r *ownReader) handle() bool {
	r.runs++
	if r.runs == 0 || r.runs == handedOver {
		r.runs = 1
	}
	r.handling.Store(r.runs)
	if w := &r.s.srv.watch; !w.armed.Load() { // after the Store: see look
		w.arm()
	}
	r.s.dispatch()
	return r.handling.CompareAndSwap(r.runs, 0)
}

// handOver gives the reading to a new goroutine if a handler runs on the
// reader now: the handler may wait for what the client sends, which only a
// reader can read. It reports whether it did.
func (r *ownReader) handOver() bool {
	h := r.handling.Load()
	if h == 0 || h == handedOver || !r.handling.CompareAndSwap(h, handedOver) {
		return false
	}
	srv := r.s.srv
	srv.watch.remove(r)
	go srv.readOwn(r.s, r.conn, r.rd) // the reader's place (srv.readers) passes on
	return true
}

// backToPoller asks the reader to give its idle websocket back to the
// poller (see leaving), if the poller can read it (a socket of its own,
// not TLS). The caller holds r.s.mu.
func (r *ownReader) backToPoller() {
	if r.stay || r.s.raw == nil || !r.leaving.CompareAndSwap(false, true) {
		return
	}
	r.conn.SetReadDeadline(aLongTimeAgo) // the reader's Read returns at once
}

// aLongTimeAgo is a read deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)

// leave hands the connection back to the poller, after its Read was cut
// short for it (leaving); it reports whether the poller took it, else the
// reader reads on.
func (r *ownReader) leave() bool {
	s := r.s
	r.conn.SetReadDeadline(time.Time{})
	s.mu.Lock()
	if len(r.rd.buf) != 0 || r.rd.msgOp != 0 {
		s.rd = r.rd // a frame or message partly read: the poller's reads go on from it
	}
	s.received = 0 // two more messages to move back to a reader goroutine
	s.mu.Unlock()
	if s.srv.poller.register(s, r.conn) {
		return true
	}
	s.mu.Lock()
	s.rd = nil
	s.mu.Unlock()
	r.stay = true
	r.leaving.Store(false)
	return false
}

// readerWatch is the watchdog of a server's reader goroutines: every
// watchInterval, a reader found in the same handling run as at the last
// look hands its reading over, so that a handler that blocks (waits for
// its client, sleeps, computes) never stops its connection from being
// read: pongs and acknowledgements keep arriving. Its timer runs only
// while readers run handlers: it stops after watchIdleLooks looks that
// found none, and the next handling run arms it again.
type readerWatch struct {
	armed   atomic.Bool // the timer runs (set under mu; read by readers without it)
	mu      sync.Mutex
	readers []*ownReader
	timer   *time.Timer
	idle    int // looks in a row that found no reader handling
	stopped bool
}

// watchIdleLooks is how many looks in a row find no reader handling
// before the watchdog's timer stops.
const watchIdleLooks = 100

// add registers a reader goroutine for s.
func (w *readerWatch) add(s *Session, conn net.Conn, rd *frameReader) *ownReader {
	r := &ownReader{s: s, conn: conn, rd: rd}
	w.mu.Lock()
	r.index = len(w.readers)
	w.readers = append(w.readers, r)
	w.mu.Unlock()
	s.mu.Lock()
	s.extraLocked().reader = r
	s.mu.Unlock()
	return r
}

// arm starts the timer, unless it runs.
func (w *readerWatch) arm() {
	w.mu.Lock()
	if !w.armed.Load() && !w.stopped {
		w.idle = 0
		w.armed.Store(true)
		if w.timer == nil {
			w.timer = time.AfterFunc(watchInterval, w.look)
		} else {
			w.timer.Reset(watchInterval)
		}
	}
	w.mu.Unlock()
}

// remove forgets r, if it is still registered.
func (w *readerWatch) remove(r *ownReader) {
	w.mu.Lock()
	if i := r.index; i >= 0 && i < len(w.readers) && w.readers[i] == r {
		last := len(w.readers) - 1
		w.readers[i] = w.readers[last]
		w.readers[i].index = i
		w.readers[last] = nil
		w.readers = w.readers[:last]
		r.index = -1
	}
	w.mu.Unlock()
	r.s.mu.Lock()
	if r.s.x != nil && r.s.x.reader == r {
		r.s.x.reader = nil
	}
	r.s.mu.Unlock()
}

// look is the watchdog's tick.
func (w *readerWatch) look() {
	var stuck []*ownReader
	w.mu.Lock()
	handling := w.scanLocked(&stuck)
	if handling {
		w.idle = 0
	} else if w.idle++; w.idle >= watchIdleLooks || w.stopped {
		// Stop. A reader that starts a run now either sees armed false
		// and arms the timer again, or stored its run before the Load,
		// and the scan after the Store sees it (atomics are sequentially
		// consistent).
		w.armed.Store(false)
		if !w.stopped && w.scanLocked(nil) {
			w.armed.Store(true)
		}
	}
	if w.armed.Load() {
		w.timer.Reset(watchInterval)
	}
	w.mu.Unlock()
	for _, r := range stuck {
		r.handOver() // fails harmlessly if the run ended meanwhile
	}
}

// scanLocked reports whether a reader runs handlers; with stuck, it also
// notes the readers in the same run as at the last look in it, and the
// runs seen.
func (w *readerWatch) scanLocked(stuck *[]*ownReader) bool {
	handling := false
	for _, r := range w.readers {
		h := r.handling.Load()
		running := h != 0 && h != handedOver
		handling = handling || running
		if stuck == nil {
			continue
		}
		if running && h == r.seen {
			*stuck = append(*stuck, r)
		}
		r.seen = h
	}
	return handling
}

// stop stops the watchdog's timer for good.
func (w *readerWatch) stop() {
	w.mu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
}

// WaitingForClient tells the session that the caller, possibly a handler
// running for it, is about to wait for something its client must send (an
// acknowledgement). If a handler runs on the websocket's reader goroutine,
// the reading is handed to a new goroutine first, so that what the client
// sends is read while the handler waits. Without it the wait would still
// end, once the server's watchdog saw the handler blocked (after 10 to 20
// ms); calling it spares that delay.
func (s *Session) WaitingForClient() {
	s.mu.Lock()
	var r *ownReader
	if s.x != nil {
		r = s.x.reader
	}
	s.mu.Unlock()
	if r != nil {
		r.handOver()
	}
}
