package client

import "sync"

// serial runs the jobs of one socket (events, acks to send, lifecycle
// callbacks) one after another, in the order pushed. It holds no
// goroutine while idle: push starts one when jobs arrive, and it returns
// once the queue is empty.
type serial struct {
	g       *group
	max     int
	mu      sync.Mutex
	jobs    []func()
	running bool
}

// push queues job and reports false if max jobs already wait.
func (q *serial) push(job func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) >= q.max {
		return false
	}
	q.jobs = append(q.jobs, job)
	if !q.running {
		q.running = q.g.Go(q.drain)
	}
	return true
}

// drain runs the queued jobs until there are none.
func (q *serial) drain() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs[0] = nil
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		job()
	}
}
