package redispub

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options configures a Publisher.
type Options struct {
	// Sharded publishes with SPUBLISH (sharded pub/sub, Redis 7) instead
	// of PUBLISH.
	Sharded bool
	// QueueSize bounds the messages waiting to be published.
	QueueSize int
	// Timeout bounds one pipeline.
	Timeout time.Duration
	// ErrQueueFull and ErrClosed are what Enqueue returns when the queue
	// is full or the Publisher closed: the adapter's own sentinels.
	ErrQueueFull, ErrClosed error
	// Failed is told of every pipeline that failed and how many messages
	// it held.
	Failed func(n int, err error)
}

// maxBatch bounds how many queued messages one pipeline publishes.
const maxBatch = 256

// closeFlushTimeout bounds how long Close waits to publish what is queued.
const closeFlushTimeout = time.Second

// Publisher publishes queued messages on one goroutine.
type Publisher struct {
	client  redis.UniversalClient
	opts    Options
	out     chan message
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

// message is one message waiting to be published.
type message struct {
	channel string
	payload []byte
}

// New starts the Publisher of client.
func New(client redis.UniversalClient, o Options) *Publisher {
	p := &Publisher{
		client: client,
		opts:   o,
		out:    make(chan message, o.QueueSize),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go p.loop()
	return p
}

// Enqueue queues payload for channel. It never blocks.
func (p *Publisher) Enqueue(channel string, payload []byte) error {
	select {
	case <-p.stop:
		return p.opts.ErrClosed
	default:
	}
	select {
	case p.out <- message{channel, payload}:
		return nil
	default:
		return p.opts.ErrQueueFull
	}
}

// Close publishes what is queued, for up to a second, and stops the
// goroutine; later calls of Enqueue return ErrClosed.
func (p *Publisher) Close() {
	p.closing.Do(func() { close(p.stop) })
	<-p.done
}

func (p *Publisher) loop() {
	defer close(p.done)
	batch := make([]message, 0, maxBatch)
	for {
		select {
		case m := <-p.out:
			batch = append(batch[:0], m)
		case <-p.stop:
			p.flush()
			return
		}
		batch = p.drain(batch)
		ctx, cancel := context.WithTimeout(context.Background(), p.opts.Timeout)
		p.publish(ctx, batch)
		cancel()
	}
}

// drain adds to batch what is queued, up to maxBatch.
func (p *Publisher) drain(batch []message) []message {
	for len(batch) < maxBatch {
		select {
		case m := <-p.out:
			batch = append(batch, m)
		default:
			return batch
		}
	}
	return batch
}

// flush publishes what is still queued when the Publisher closes.
func (p *Publisher) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), closeFlushTimeout)
	defer cancel()
	for {
		batch := p.drain(nil)
		if len(batch) == 0 || ctx.Err() != nil {
			return
		}
		p.publish(ctx, batch)
	}
}

func (p *Publisher) publish(ctx context.Context, batch []message) {
	var err error
	if len(batch) == 1 {
		err = p.send(ctx, p.client, batch[0]).Err()
	} else {
		pipe := p.client.Pipeline()
		for _, m := range batch {
			p.send(ctx, pipe, m)
		}
		_, err = pipe.Exec(ctx)
	}
	if err != nil && p.opts.Failed != nil {
		p.opts.Failed(len(batch), err)
	}
}

// send queues or runs the PUBLISH or SPUBLISH of m.
func (p *Publisher) send(ctx context.Context, c redis.Cmdable, m message) *redis.IntCmd {
	if p.opts.Sharded {
		return c.SPublish(ctx, m.channel, m.payload)
	}
	return c.Publish(ctx, m.channel, m.payload)
}
