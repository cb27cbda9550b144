package engine

import (
	"testing"
	"time"
)

// TestWorkersReuseAndTrim checks that a parked worker takes the next job,
// that workers idle for workerIdleTimeout exit, and that close releases
// the parked ones.
func TestWorkersReuseAndTrim(t *testing.T) {
	var w workers
	idle := func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.idle)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	s := &Session{} // an empty inbox: its dispatch returns at once
	w.run(s, jobDispatch)
	waitFor("the first worker to park", func() bool { return idle() == 1 })
	w.mu.Lock()
	first := w.idle[0]
	w.mu.Unlock()
	w.run(s, jobDispatch)
	waitFor("the worker to park again", func() bool { return idle() == 1 })
	w.mu.Lock()
	reused := w.idle[0] == first
	w.mu.Unlock()
	if !reused {
		t.Error("a second worker ran the job while one was parked")
	}
	start := time.Now()
	waitFor("the idle worker to be trimmed", func() bool { return idle() == 0 })
	if d := time.Since(start); d < workerIdleTimeout/2 {
		t.Errorf("trimmed after %v, before the idle timeout %v", d, workerIdleTimeout)
	}
	for range 3 { // three at once: three workers, all parked afterwards
		w.run(&Session{}, jobDispatch)
	}
	waitFor("workers to park", func() bool { return idle() >= 1 })
	w.close()
	if n := idle(); n != 0 {
		t.Errorf("%d workers idle after close", n)
	}
	// goleak (TestMain) checks that every worker goroutine has exited.
}
