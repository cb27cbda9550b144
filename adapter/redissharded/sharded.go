package redissharded

import (
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/clusteradapter"
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
	// ErrQueueFull is returned when the publish queue is full (Redis is
	// too slow or unreachable): the operation was applied on this node
	// only.
	ErrQueueFull = fmt.Errorf("%w: Redis publish queue full", errors.ErrAdapter)
	// ErrOptions wraps the error of a factory given options it cannot
	// use: an unknown SubscriptionMode, or a client that is neither a
	// *redis.Client nor a *redis.ClusterClient.
	ErrOptions = fmt.Errorf("%w: invalid sharded adapter options", errors.ErrAdapter)
)

// SubscriptionMode says which channels a node subscribes to, as the
// subscriptionMode option of Node's createShardedAdapter. Every node of a
// cluster, Node or Socketeer, must use the same mode: a node publishes a
// broadcast to one room on the room's own channel in the dynamic modes,
// and a node in static mode does not listen there.
type SubscriptionMode string

// Subscription modes. Node's default is Dynamic; this package's zero
// value is Static.
const (
	// Static: two channels per namespace, "<key>#<nsp>#" for everything
	// and "<key>#<nsp>#<uid>#" for the answers to this node. Every node
	// receives every broadcast of the namespace.
	Static SubscriptionMode = "static"
	// Dynamic adds one channel per room that has local members,
	// "<key>#<nsp>#<room>#", subscribed when the room gets its first
	// local member and unsubscribed when it loses its last. A broadcast
	// to exactly one room that is not a socket id (20 characters) goes
	// there, so a node only receives the rooms it hosts.
	Dynamic SubscriptionMode = "dynamic"
	// DynamicPrivate is Dynamic with a channel for each socket's own room
	// too: a message to one socket reaches its node only.
	DynamicPrivate SubscriptionMode = "dynamic-private"
)

// Options configures the adapter. The zero value works with Node's
// defaults except SubscriptionMode (see Static).
type Options struct {
	// Key is the channel prefix, Node's channelPrefix (default
	// "socket.io"); every node of a cluster uses the same.
	Key string
	// SubscriptionMode is Static (the default when empty), Dynamic or
	// DynamicPrivate.
	SubscriptionMode SubscriptionMode
	// RequestsTimeout bounds requests to other nodes (FetchSockets,
	// server-side emits with acks) and the start-up subscription
	// (default 5s).
	RequestsTimeout time.Duration
	// AckTimeout is how long the acknowledgements of a BroadcastWithAck
	// are awaited from other nodes (default 1 minute).
	AckTimeout time.Duration
	// QueueSize bounds the messages waiting to be published (default
	// 8192).
	QueueSize int
	// Logf logs errors that no caller sees: failed publishes, lost
	// subscriptions, malformed messages. Leave it nil to use the app's
	// sink (app.Options.Logf).
	Logf func(format string, args ...any)
}

func (o *Options) defaults() error {
	if o.Key == "" {
		o.Key = rediswire.DefaultKey
	}
	switch o.SubscriptionMode {
	case "":
		o.SubscriptionMode = Static
	case Static, Dynamic, DynamicPrivate:
	default:
		return fmt.Errorf("%w: SubscriptionMode %q (want %q, %q or %q)", ErrOptions, o.SubscriptionMode, Static, Dynamic, DynamicPrivate)
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
	return nil
}

// dynamic reports whether rooms get channels of their own.
func (o *Options) dynamic() bool { return o.SubscriptionMode != Static }

// New returns the Factory of sharded adapters on client: a
// *redis.ClusterClient (Redis Cluster, 7.0 or later) or a *redis.Client
// (one Redis 7 server, or a failover client). Each namespace's adapter
// keeps its own subscription connections, one per Redis node that serves
// one of its channels; client itself is shared and is not closed by the
// adapters. Invalid options or client make every call of the factory fail
// with ErrOptions.
func New(client redis.UniversalClient, opts Options) adapter.Factory {
	err := opts.defaults()
	if err == nil {
		err = checkClient(client)
	}
	return func(local adapter.Local) (adapter.Adapter, error) {
		if err != nil {
			return nil, err
		}
		a, err := newAdapter(client, opts, local)
		if err != nil {
			return nil, err // not a nil *shardedAdapter in a non-nil interface
		}
		return a, nil
	}
}

// checkClient accepts the clients whose node for a channel is known.
func checkClient(client redis.UniversalClient) error {
	switch client.(type) {
	case *redis.ClusterClient, *redis.Client:
		return nil
	}
	return fmt.Errorf("%w: client %T (want *redis.ClusterClient or *redis.Client)", ErrOptions, client)
}

// shardedAdapter is the sharded adapter of one namespace: the cluster
// adapter core, with this package's transport (channels, encoding,
// publishing, subscriptions).
type shardedAdapter struct {
	*clusteradapter.Adapter
	t *transport
}

var (
	_ adapter.Adapter         = (*shardedAdapter)(nil)
	_ adapter.ServerSideAcker = (*shardedAdapter)(nil)
)

func newAdapter(client redis.UniversalClient, opts Options, local adapter.Local) (*shardedAdapter, error) {
	if opts.Logf == nil {
		opts.Logf = local.Logf
	}
	t := newTransport(client, opts, local)
	core := local
	if opts.dynamic() {
		core = withRoomHooks(local, t)
	}
	a := &shardedAdapter{t: t}
	a.Adapter = clusteradapter.New(core, t, clusteradapter.Options{
		RequestsTimeout: opts.RequestsTimeout,
		AckTimeout:      opts.AckTimeout,
		ErrTimeout:      ErrTimeout,
		ErrClosed:       ErrClosed,
		Logf:            opts.Logf,
		LogPrefix:       "socketeer/adapter/redissharded",
	})
	if err := t.start(a.Adapter); err != nil {
		a.Adapter.Close()
		return nil, err
	}
	return a, nil
}

// Join adds the local socket id to rooms; in DynamicPrivate mode, the
// socket's own room (which the namespace joins when the socket connects)
// gets its channel.
func (a *shardedAdapter) Join(id string, rooms ...string) {
	if a.t.opts.SubscriptionMode == DynamicPrivate {
		for _, r := range rooms {
			if r == id {
				a.t.sub.add(a.t.roomChannel(id))
			}
		}
	}
	a.Adapter.Join(id, rooms...)
}

// LeaveAll removes the local socket id from every room; in DynamicPrivate
// mode its own room's channel is unsubscribed.
func (a *shardedAdapter) LeaveAll(id string) {
	a.Adapter.LeaveAll(id)
	if a.t.opts.SubscriptionMode == DynamicPrivate {
		a.t.sub.remove(a.t.roomChannel(id))
	}
}

// Close fails the pending requests, publishes what is queued (for up to
// a second) and closes the subscription connections. It does not close
// the Redis client.
func (a *shardedAdapter) Close() error {
	a.Adapter.Close()
	a.t.close()
	return nil
}
