package engine

import (
	"testing"
	"time"
)

// checkWheel verifies that every scheduled session knows its place.
func checkWheel(t *testing.T, w *wheel) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for i, slot := range w.slots {
		for j, s := range slot {
			if int(s.hbTick%uint32(len(w.slots))) != i || int(s.hbPos) != j+1 {
				t.Fatalf("slot %d index %d: session has tick %d, position %d", i, j, s.hbTick, s.hbPos)
			}
			n++
		}
	}
	if n != w.n {
		t.Fatalf("%d sessions in slots, count says %d", n, w.n)
	}
}

func TestWheel(t *testing.T) {
	w := newWheel(20*time.Millisecond, 200*time.Millisecond)
	if w.res != time.Millisecond || len(w.slots) != 256 {
		t.Fatalf("resolution %v, %d slots; want 1ms, 256", w.res, len(w.slots))
	}
	// Closed sessions: their heartbeat does nothing but leave the wheel.
	ss := make([]*Session, 200)
	for i := range ss {
		ss[i] = &Session{state: stateClosed}
	}
	start := w.now()
	steps := []struct {
		name  string
		first int // sessions [first, last)
		last  int
		delay time.Duration // -1: unschedule
	}{
		{"near", 0, 100, 30 * time.Millisecond},
		{"far", 100, 200, 150 * time.Millisecond},
		{"moved later", 0, 50, 160 * time.Millisecond},
		{"moved to the same tick", 100, 120, 150 * time.Millisecond},
		{"unscheduled", 180, 200, -1},
	}
	for _, st := range steps {
		for _, s := range ss[st.first:st.last] {
			if st.delay < 0 {
				w.unschedule(s)
			} else {
				w.schedule(s, start+st.delay)
			}
		}
		checkWheel(t, w)
	}
	time.Sleep(80 * time.Millisecond)
	checkWheel(t, w)
	for i, s := range ss {
		w.mu.Lock()
		scheduled := s.hbPos != 0
		w.mu.Unlock()
		if want := i < 50 || i >= 100 && i < 180; scheduled != want && w.now() < start+150*time.Millisecond {
			t.Fatalf("session %d scheduled %v at %v, want %v", i, scheduled, w.now()-start, want)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		w.mu.Lock()
		n, armed := w.n, w.armed
		w.mu.Unlock()
		if n == 0 && !armed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still on the wheel (armed %v)", n, armed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if w.now() < start+160*time.Millisecond {
		t.Fatalf("wheel emptied after %v, before the last session was due", w.now()-start)
	}
	w.stop()
}

// TestWheelEarlierSession checks that a session due before the one the
// timer waits for moves the timer earlier.
func TestWheelEarlierSession(t *testing.T) {
	w := newWheel(20*time.Millisecond, time.Second)
	defer w.stop()
	far, near := &Session{state: stateClosed}, &Session{state: stateClosed}
	start := w.now()
	w.schedule(far, start+800*time.Millisecond)
	w.schedule(near, start+20*time.Millisecond)
	checkWheel(t, w)
	deadline := time.Now().Add(5 * time.Second)
	for {
		w.mu.Lock()
		nearDone, farDone := near.hbPos == 0, far.hbPos == 0
		w.mu.Unlock()
		if farDone {
			t.Fatalf("the far session ran at %v", w.now()-start)
		}
		if nearDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the near session never ran")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d := w.now() - start; d < 20*time.Millisecond || d > 700*time.Millisecond {
		t.Errorf("the near session ran at %v, want about 20ms", d)
	}
}
