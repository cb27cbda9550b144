package redis

import (
	"encoding/json"

	"github.com/socketeer/socketeer/internal/redispub"
)

// newPublisher starts the adapter's publisher: a bounded queue published
// in pipelines by one goroutine (internal/redispub).
func (a *redisAdapter) newPublisher() *redispub.Publisher {
	return redispub.New(a.client, redispub.Options{
		QueueSize:    a.opts.QueueSize,
		Timeout:      a.opts.RequestsTimeout,
		ErrQueueFull: ErrQueueFull,
		ErrClosed:    ErrClosed,
		Failed: func(n int, err error) {
			a.logf("publishing %d message(s): %v", n, err)
			a.failed("publish")
		},
	})
}

// enqueue queues a message for the publisher goroutine. It never blocks:
// Redis being slow or down must not stall the handlers that broadcast.
func (a *redisAdapter) enqueue(channel string, payload []byte) error {
	return a.pub.Enqueue(channel, payload)
}

// enqueueJSON queues v encoded as JSON.
func (a *redisAdapter) enqueueJSON(channel string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.enqueue(channel, b)
}
