package redis

import (
	"context"
	"encoding/json"
	"time"
)

// outgoing is one message waiting to be published.
type outgoing struct {
	channel string
	payload []byte
}

// maxBatch bounds how many queued messages one pipeline publishes.
const maxBatch = 256

// closeFlushTimeout bounds how long Close waits to publish what is queued.
const closeFlushTimeout = time.Second

// enqueue queues a message for the publisher goroutine. It never blocks:
// Redis being slow or down must not stall the handlers that broadcast.
func (a *redisAdapter) enqueue(channel string, payload []byte) error {
	select {
	case <-a.stop:
		return ErrClosed
	default:
	}
	select {
	case a.out <- outgoing{channel, payload}:
		return nil
	default:
		return ErrQueueFull
	}
}

// enqueueJSON queues v encoded as JSON.
func (a *redisAdapter) enqueueJSON(channel string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.enqueue(channel, b)
}

// publishLoop publishes queued messages in order, in pipelines of what has
// accumulated, until the adapter closes. A failed publish is logged and
// dropped: Redis pub/sub delivers at most once anyway.
func (a *redisAdapter) publishLoop() {
	defer a.wg.Done()
	batch := make([]outgoing, 0, maxBatch)
	for {
		select {
		case m := <-a.out:
			batch = append(batch[:0], m)
		case <-a.stop:
			a.flushQueued()
			return
		}
		batch = a.drain(batch)
		ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
		a.publish(ctx, batch)
		cancel()
	}
}

// drain adds to batch what is queued, up to maxBatch.
func (a *redisAdapter) drain(batch []outgoing) []outgoing {
	for len(batch) < maxBatch {
		select {
		case m := <-a.out:
			batch = append(batch, m)
		default:
			return batch
		}
	}
	return batch
}

// flushQueued publishes what is still queued when the adapter closes.
func (a *redisAdapter) flushQueued() {
	ctx, cancel := context.WithTimeout(context.Background(), closeFlushTimeout)
	defer cancel()
	for {
		batch := a.drain(nil)
		if len(batch) == 0 || ctx.Err() != nil {
			return
		}
		a.publish(ctx, batch)
	}
}

func (a *redisAdapter) publish(ctx context.Context, batch []outgoing) {
	var err error
	if len(batch) == 1 {
		err = a.client.Publish(ctx, batch[0].channel, batch[0].payload).Err()
	} else {
		pipe := a.client.Pipeline()
		for _, m := range batch {
			pipe.Publish(ctx, m.channel, m.payload)
		}
		_, err = pipe.Exec(ctx)
	}
	if err != nil {
		a.logf("publishing %d message(s): %v", len(batch), err)
		a.failed("publish")
	}
}
