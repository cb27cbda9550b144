package redisstreams

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/clusteradapter"
)

// Errors of the adapter. Check them with errors.Is; each wraps
// errors.ErrAdapter.
var (
	// ErrUnreachable wraps the error of a factory that could not reach
	// Redis or subscribe to the namespace's channels.
	ErrUnreachable = fmt.Errorf("%w: Redis unreachable", errors.ErrAdapter)
	// ErrTimeout wraps the error of a request (FetchSockets,
	// ServerSideEmitWithAck) that some nodes did not answer within
	// Options.RequestsTimeout; what the others answered comes with it.
	ErrTimeout = fmt.Errorf("%w: Redis request timed out", errors.ErrAdapter)
	// ErrClosed is returned by operations on a closed adapter.
	ErrClosed = fmt.Errorf("%w: Redis adapter closed", errors.ErrAdapter)
)

// Options configures the adapter. The zero value works with Node's
// defaults; every node of a cluster uses the same names.
type Options struct {
	// StreamName is the Redis stream (default "socket.io").
	StreamName string
	// MaxLen caps the stream, trimmed approximately (XADD MAXLEN ~) on
	// every write (default 10,000 entries). It is also how far back a
	// client can recover.
	MaxLen int64
	// ReadCount is how many entries one XREAD returns at most (default 100).
	ReadCount int64
	// BlockTime is how long one XREAD blocks (default 5s).
	BlockTime time.Duration
	// ChannelPrefix prefixes the pub/sub channels of requests and
	// responses (default "socket.io").
	ChannelPrefix string
	// SessionKeyPrefix prefixes the keys of saved sessions (default
	// "sio:session:").
	SessionKeyPrefix string
	// RequestsTimeout bounds FetchSockets, ServerSideEmitWithAck and the
	// start-up subscription (default 5s).
	RequestsTimeout time.Duration
	// AckTimeout is how long the acknowledgements of a BroadcastWithAck
	// are awaited from other nodes (default 1 minute).
	AckTimeout time.Duration
	// Logf logs errors that no caller sees. Leave it nil to use the app's
	// sink (app.Options.Logf).
	Logf func(format string, args ...any)
}

func (o *Options) defaults() {
	if o.StreamName == "" {
		o.StreamName = "socket.io"
	}
	if o.MaxLen <= 0 {
		o.MaxLen = 10_000
	}
	if o.ReadCount <= 0 {
		o.ReadCount = 100
	}
	if o.BlockTime <= 0 {
		o.BlockTime = 5 * time.Second
	}
	if o.ChannelPrefix == "" {
		o.ChannelPrefix = "socket.io"
	}
	if o.SessionKeyPrefix == "" {
		o.SessionKeyPrefix = "sio:session:"
	}
	if o.RequestsTimeout <= 0 {
		o.RequestsTimeout = 5 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = time.Minute
	}
}

// New returns the Factory of Redis Streams adapters on client. Like Node's
// createAdapter, the namespaces it makes share one stream reader and one
// pub/sub connection, opened with the first namespace and closed with the
// last; client itself is not closed.
func New(client redis.UniversalClient, opts Options) adapter.Factory {
	opts.defaults()
	c := &cluster{client: client, opts: opts, namespaces: make(map[string]*nsAdapter)}
	return c.newAdapter
}

// cluster is what the namespaces of one factory share: the stream reader
// and the pub/sub subscription.
type cluster struct {
	client redis.UniversalClient
	opts   Options

	mu         sync.Mutex
	namespaces map[string]*nsAdapter // by name
	channels   map[string]*nsAdapter // by subscribed channel
	ps         *redis.PubSub
	cancel     context.CancelFunc
	read       reader
	wg         sync.WaitGroup
	pos        streamID // where the reader is: entries up to it were read
}

func (c *cluster) newAdapter(local adapter.Local) (adapter.Adapter, error) {
	o := c.opts
	if o.Logf == nil {
		o.Logf = local.Logf
	}
	a := &nsAdapter{c: c, opts: o, public: publicChannel(o.ChannelPrefix, local.Name())}
	a.Adapter = clusteradapter.New(local, a, clusteradapter.Options{
		RequestsTimeout: o.RequestsTimeout, AckTimeout: o.AckTimeout,
		ErrTimeout: ErrTimeout, ErrClosed: ErrClosed, Logf: o.Logf,
		LogPrefix: "socketeer/adapter/redisstreams",
	})
	a.private = a.public + a.UID() + "#"
	if err := c.add(a); err != nil {
		return nil, err
	}
	return a, nil
}

// publicChannel is the channel of a namespace's requests; a node's
// responses go to it followed by the node's uid and "#".
func publicChannel(prefix, nsp string) string { return prefix + "#" + nsp + "#" }

// add registers a, starting the reader and the subscription when it is
// the first namespace, and subscribes to a's channels.
func (c *cluster) add(a *nsAdapter) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.RequestsTimeout)
	defer cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.namespaces[a.Name()]; dup {
		return fmt.Errorf("%w: namespace %s has an adapter already", errors.ErrAdapter, a.Name())
	}
	if len(c.namespaces) == 0 {
		if err := c.startLocked(ctx); err != nil {
			return err
		}
	}
	if err := c.ps.Subscribe(ctx, a.public, a.private); err != nil {
		if len(c.namespaces) == 0 {
			c.stopLocked()
		}
		return fmt.Errorf("%w: SUBSCRIBE: %w", ErrUnreachable, err)
	}
	c.namespaces[a.Name()] = a
	c.channels[a.public], c.channels[a.private] = a, a
	a.setApplied(c.pos)
	return nil
}

// startLocked finds the end of the stream, subscribes and starts the
// reader and the receiver.
func (c *cluster) startLocked(ctx context.Context) error {
	pos, err := lastID(ctx, c.client, c.opts.StreamName)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	c.pos = pos
	c.ps = c.client.Subscribe(ctx)
	c.channels = make(map[string]*nsAdapter)
	run, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.read = newReader(ctx, c.client)
	c.wg.Add(2)
	go c.readLoop(run, c.read)
	go c.receiveLoop(c.ps)
	return nil
}

// stopLocked stops the reader (interrupting its XREAD) and closes the
// subscription; c.mu is held and released while waiting for the
// goroutines.
func (c *cluster) stopLocked() {
	c.cancel()
	c.ps.Close()
	c.mu.Unlock()
	stopped := make(chan struct{})
	go func() { c.wg.Wait(); close(stopped) }()
	c.unblock(c.read, stopped)
	<-stopped
	c.mu.Lock()
}

// remove unregisters a, unsubscribes its channels, and stops everything
// with the last namespace.
func (c *cluster) remove(a *nsAdapter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.namespaces[a.Name()] != a {
		return
	}
	delete(c.namespaces, a.Name())
	delete(c.channels, a.public)
	delete(c.channels, a.private)
	if len(c.namespaces) == 0 {
		c.stopLocked()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.RequestsTimeout)
	defer cancel()
	if err := c.ps.Unsubscribe(ctx, a.public, a.private); err != nil {
		a.Logf("UNSUBSCRIBE: %v", err)
	}
}

// receiveLoop hands every pub/sub message (requests and responses, in
// msgpack) to its namespace, until the subscription is closed.
func (c *cluster) receiveLoop(ps *redis.PubSub) {
	defer c.wg.Done()
	for msg := range ps.Channel(redis.WithChannelSize(1024)) {
		c.mu.Lock()
		a := c.channels[msg.Channel]
		c.mu.Unlock()
		if a == nil {
			continue
		}
		m, err := decodeMessage([]byte(msg.Payload))
		if err != nil {
			a.Logf("malformed message on %s: %v", msg.Channel, err)
			continue
		}
		a.OnMessage(m, "")
	}
}
