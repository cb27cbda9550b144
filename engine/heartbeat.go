package engine

import (
	"math/bits"
	"sync"
	"time"
)

// wheel schedules the sessions' heartbeats (the next ping, the pong
// deadline, the end of a close's drain) on one timing wheel per server
// instead of a timer per session: a session costs a slot in a slice, not
// a runtime timer and its closure. Time is cut in ticks of res; a session
// due at time t is in the slot of the first tick at or after t and its
// heartbeat runs when that tick has passed, at most res late. One runtime
// timer is armed for the next tick that has a session due, so the wheel
// wakes only when there is work, and an idle server (or one never shut
// down) holds no goroutine.
type wheel struct {
	res   time.Duration
	epoch time.Time // tick 0; times are durations since it (monotonic)

	mu      sync.Mutex
	slots   [][]*Session // slot of tick t: t % len(slots), a power of two
	tick    int64        // the last tick processed
	n       int          // sessions scheduled
	timer   *time.Timer
	armed   bool  // timer will run advance
	armedAt int64 // the tick it was armed for
	stopped bool
	due     []*Session // the sessions of the tick being processed (kept for reuse)
}

// newWheel returns a wheel for delays up to span, with ticks of 1/20 of
// the shortest delay it is used for (within 1 to 250 ms).
func newWheel(shortest, span time.Duration) *wheel {
	res := min(max(shortest/20, time.Millisecond), 250*time.Millisecond)
	return &wheel{
		res:   res,
		epoch: time.Now(),
		slots: make([][]*Session, 1<<bits.Len(uint(span/res)+1)),
	}
}

// now returns the time since the wheel's epoch.
func (w *wheel) now() time.Duration { return time.Since(w.epoch) }

// schedule (re)schedules s's heartbeat at time at (since the epoch).
func (w *wheel) schedule(s *Session, at time.Duration) {
	t := int64((at + w.res - 1) / w.res)
	w.mu.Lock()
	if s.hbPos != 0 {
		w.removeLocked(s)
	}
	if w.stopped {
		w.mu.Unlock()
		return
	}
	t = max(t, w.tick+1)
	slot := &w.slots[t%int64(len(w.slots))]
	*slot = append(*slot, s)
	s.hbTick, s.hbPos = uint32(t), int32(len(*slot))
	w.n++
	// Armed for a later tick, the timer is moved to this one, unless it
	// has fired already: advance is then about to run and takes t too.
	if !w.armed || t < w.armedAt && w.timer.Stop() {
		w.armLocked(t)
	}
	w.mu.Unlock()
}

// armLocked arms the timer to run advance at tick t.
func (w *wheel) armLocked(t int64) {
	w.armed, w.armedAt = true, t
	d := time.Duration(t)*w.res - w.now()
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.advance)
	} else {
		w.timer.Reset(d)
	}
}

// nextLocked returns the next tick whose slot holds a session.
func (w *wheel) nextLocked() int64 {
	for t := w.tick + 1; ; t++ {
		if len(w.slots[t%int64(len(w.slots))]) > 0 {
			return t
		}
	}
}

// unschedule removes s from the wheel, if it is there.
func (w *wheel) unschedule(s *Session) {
	w.mu.Lock()
	if s.hbPos != 0 {
		w.removeLocked(s)
	}
	w.mu.Unlock()
}

// removeLocked takes s out of its slot, moving the slot's last session
// into its place.
func (w *wheel) removeLocked(s *Session) {
	slot := &w.slots[s.hbTick%uint32(len(w.slots))]
	last := len(*slot) - 1
	moved := (*slot)[last]
	(*slot)[s.hbPos-1] = moved
	moved.hbPos = s.hbPos
	(*slot)[last] = nil
	*slot = (*slot)[:last]
	s.hbPos = 0
	w.n--
}

// advance runs on the wheel's timer: it takes out the sessions due by now
// (every tick passed since the last run, however late the timer ran),
// arms the timer for the next tick with a session while any is left, and
// runs the heartbeats of those taken out.
func (w *wheel) advance() {
	w.mu.Lock()
	now := int64(w.now() / w.res)
	due := w.due[:0]
	for t := w.tick + 1; t <= now && t <= w.tick+int64(len(w.slots)); t++ {
		slot := &w.slots[t%int64(len(w.slots))]
		for i := 0; i < len(*slot); {
			if s := (*slot)[i]; int32(s.hbTick-uint32(now)) <= 0 {
				w.removeLocked(s) // moves the last one to i
				due = append(due, s)
			} else {
				i++
			}
		}
	}
	w.tick = max(w.tick, now)
	w.armed = false
	if w.n > 0 && !w.stopped {
		w.armLocked(w.nextLocked())
	}
	w.due = nil // a heartbeat may schedule, not advance: no one else uses it now
	w.mu.Unlock()
	for _, s := range due {
		s.heartbeat()
	}
	clear(due)
	w.mu.Lock()
	w.due = due[:0]
	w.mu.Unlock()
}

// stop releases the wheel's timer and every session still on it: nothing
// is scheduled from now on.
func (w *wheel) stop() {
	w.mu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	for i, slot := range w.slots {
		for _, s := range slot {
			s.hbPos = 0
		}
		clear(slot)
		w.slots[i] = nil
	}
	w.n = 0
	w.mu.Unlock()
}
