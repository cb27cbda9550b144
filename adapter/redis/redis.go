package redis

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/redispub"
	"github.com/socketeer/socketeer/internal/rediswire"
)

// Errors of the adapter. Check them with errors.Is; each wraps
// errors.ErrAdapter.
var (
	// ErrUnreachable wraps the error of a factory that could not reach
	// Redis or subscribe to the namespace's channels.
	ErrUnreachable = fmt.Errorf("%w: Redis unreachable", errors.ErrAdapter)
	// ErrTimeout wraps the error of a request that some nodes did not
	// answer within Options.RequestsTimeout; what the others answered is
	// returned with it.
	ErrTimeout = fmt.Errorf("%w: Redis request timed out", errors.ErrAdapter)
	// ErrClosed is returned by operations on a closed adapter.
	ErrClosed = fmt.Errorf("%w: Redis adapter closed", errors.ErrAdapter)
	// ErrQueueFull is returned when the publish queue is full (Redis is too
	// slow or unreachable): the operation was applied on this node only.
	ErrQueueFull = fmt.Errorf("%w: Redis publish queue full", errors.ErrAdapter)
)

// Options configures the adapter. The zero value works with Node's
// defaults.
type Options struct {
	// Key is the channel prefix (default "socket.io"); every node and
	// emitter of a cluster uses the same.
	Key string
	// RequestsTimeout bounds requests to other nodes (FetchSockets) and
	// the start-up subscription (default 5s).
	RequestsTimeout time.Duration
	// AckTimeout is how long the acknowledgements of a BroadcastWithAck
	// are awaited from other nodes; set it at least as long as the longest
	// ack timeout the app uses (default 1 minute).
	AckTimeout time.Duration
	// PublishOnSpecificResponseChannel answers requests on the requesting
	// node's own response channel, as Node's option of the same name.
	PublishOnSpecificResponseChannel bool
	// QueueSize bounds the messages waiting to be published (default 8192).
	QueueSize int
	// Logf logs errors that no caller sees: failed publishes, malformed
	// messages. Leave it nil to use the app's sink (app.Options.Logf).
	Logf func(format string, args ...any)
}

func (o *Options) defaults() {
	if o.Key == "" {
		o.Key = rediswire.DefaultKey
	}
	if o.RequestsTimeout <= 0 {
		o.RequestsTimeout = 5 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = time.Minute
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
}

// New returns the Factory of Redis adapters on client. Each namespace's
// adapter subscribes on its own connection; client itself is shared and is
// not closed by the adapters.
func New(client redis.UniversalClient, opts Options) adapter.Factory {
	opts.defaults()
	return func(local adapter.Local) (adapter.Adapter, error) {
		return newAdapter(client, opts, local)
	}
}

// redisAdapter is the Redis adapter of one namespace. Its local part is an
// adapter.Memory; every operation not marked Local is also published to
// the other nodes.
type redisAdapter struct {
	*adapter.Memory
	local  adapter.Local
	client redis.UniversalClient
	opts   Options
	uid    string

	channel, requestChannel, responseChannel, ownResponseChannel string

	ps      *redis.PubSub
	pub     *redispub.Publisher
	wg      sync.WaitGroup
	ackIDs  atomic.Int64
	closing sync.Once

	mu       sync.Mutex
	closed   bool
	requests map[string]*request
	acks     map[string]*ackRequest
}

var _ adapter.Adapter = (*redisAdapter)(nil)

// remoteAckBase starts the ack ids of broadcasts that other nodes ask this
// node to make, far above the namespace's own counter (which starts at 0)
// and below 2^53 so that JavaScript clients echo them exactly.
const remoteAckBase = 1 << 52

func newAdapter(client redis.UniversalClient, opts Options, local adapter.Local) (*redisAdapter, error) {
	nsp := local.Name()
	if opts.Logf == nil {
		opts.Logf = local.Logf
	}
	a := &redisAdapter{
		Memory:          adapter.NewMemory(local),
		local:           local,
		client:          client,
		opts:            opts,
		uid:             rediswire.NewID(6),
		channel:         rediswire.BroadcastChannel(opts.Key, nsp),
		requestChannel:  rediswire.RequestChannel(opts.Key, nsp),
		responseChannel: rediswire.ResponseChannel(opts.Key, nsp),
		requests:        make(map[string]*request),
		acks:            make(map[string]*ackRequest),
	}
	a.ownResponseChannel = a.responseChannel + a.uid + "#"
	a.ackIDs.Store(remoteAckBase)
	early, err := a.subscribe()
	if err != nil {
		return nil, err
	}
	a.pub = a.newPublisher()
	a.wg.Add(1)
	go a.receiveLoop(early)
	return a, nil
}

// subscribe checks that Redis answers, subscribes to the namespace's
// channels and waits for Redis to confirm them, so that the node is
// counted (PUBSUB NUMSUB) once the factory returns. Messages that arrive
// meanwhile are returned, to be handled first.
func (a *redisAdapter) subscribe() ([]*redis.Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	if err := a.client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("%w: PING: %w", ErrUnreachable, err)
	}
	a.ps = a.client.PSubscribe(ctx)
	fail := func(what string, err error) ([]*redis.Message, error) {
		a.ps.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, what, err)
	}
	if err := a.ps.PSubscribe(ctx, escapeGlob(a.channel)+"*"); err != nil {
		return fail("PSUBSCRIBE", err)
	}
	if err := a.ps.Subscribe(ctx, a.requestChannel, a.responseChannel, a.ownResponseChannel); err != nil {
		return fail("SUBSCRIBE", err)
	}
	var early []*redis.Message
	for confirmed := 0; confirmed < 4; {
		msg, err := a.ps.Receive(ctx)
		if err != nil {
			return fail("waiting for the subscriptions", err)
		}
		switch msg := msg.(type) {
		case *redis.Subscription:
			confirmed++
		case *redis.Message:
			early = append(early, msg)
		}
	}
	return early, nil
}

// escapeGlob escapes the characters that are special in Redis patterns.
func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// receiveLoop handles every message of the subscription, in order, until
// the subscription is closed. go-redis reconnects and resubscribes on its
// own when the connection drops.
func (a *redisAdapter) receiveLoop(early []*redis.Message) {
	defer a.wg.Done()
	for _, m := range early {
		a.handle(m)
	}
	for m := range a.ps.Channel(redis.WithChannelSize(1024)) {
		a.handle(m)
	}
}

func (a *redisAdapter) handle(m *redis.Message) {
	payload := []byte(m.Payload)
	switch {
	case m.Pattern != "":
		a.onBroadcast(payload)
	case m.Channel == a.requestChannel:
		a.onRequest(payload)
	case m.Channel == a.responseChannel || m.Channel == a.ownResponseChannel:
		a.onResponse(payload)
	}
}

func (a *redisAdapter) logf(format string, args ...any) {
	a.opts.Logf("socketeer/adapter/redis: "+a.local.Name()+": "+format, args...)
}

// Close unsubscribes, publishes what is queued (for up to a second), fails
// pending requests and stops the adapter's goroutines. It does not close
// the Redis client.
func (a *redisAdapter) Close() error {
	a.closing.Do(func() {
		a.mu.Lock()
		a.closed = true
		for id, r := range a.requests {
			r.finish()
			delete(a.requests, id)
		}
		for id, r := range a.acks {
			r.timer.Stop()
			delete(a.acks, id)
		}
		a.mu.Unlock()
		a.pub.Close()
		a.ps.Close()
		a.wg.Wait()
	})
	return nil
}

// failed tells the app's observers (package metrics) that a publish or a
// request failed, when the namespace's Local listens for that.
func (a *redisAdapter) failed(kind string) {
	if w, ok := a.local.(interface{ AdapterError(kind string) }); ok {
		w.AdapterError(kind)
	}
}
