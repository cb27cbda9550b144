package client

import "sync"

// group runs goroutines and waits for them, like a sync.WaitGroup that can
// be closed: once Wait has been called, Go refuses to start more, so no
// goroutine starts after Wait returned.
type group struct {
	mu     sync.Mutex
	n      int
	closed bool
	zero   *sync.Cond
}

func newGroup() *group {
	g := &group{}
	g.zero = sync.NewCond(&g.mu)
	return g
}

// Go runs f in a new goroutine and reports true, or reports false once
// the group is closed.
func (g *group) Go(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	go func() {
		defer g.done()
		f()
	}()
	return true
}

func (g *group) done() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n--; g.n == 0 {
		g.zero.Broadcast()
	}
}

// Wait closes the group and waits until its goroutines have returned.
func (g *group) Wait() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for g.n > 0 {
		g.zero.Wait()
	}
}
