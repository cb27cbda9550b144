package redisstreams

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/clusteradapter"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// nsAdapter is the adapter of one namespace: the cluster adapter core on
// the stream and pub/sub transport below.
type nsAdapter struct {
	*clusteradapter.Adapter
	c               *cluster
	opts            Options
	public, private string

	// order is held for reading while a broadcast of this node is
	// published and delivered and while the reader applies an entry, and
	// for writing while a socket is restored: a restored socket gets each
	// packet exactly once, among the missed ones or live.
	order   sync.RWMutex
	appMu   sync.Mutex
	applied streamID                         // the last entry of this namespace the reader applied
	rec     atomic.Pointer[recovery.Options] // nil while recovery is off
	timers  sync.Map                         // pid → *time.Timer of OnExpired checks
	closing sync.Once
}

var (
	_ clusteradapter.Transport = (*nsAdapter)(nil)
	_ recovery.Store           = (*nsAdapter)(nil)
	_ adapter.ServerSideAcker  = (*nsAdapter)(nil)
)

func (a *nsAdapter) setApplied(id streamID) {
	a.appMu.Lock()
	if id.after(a.applied) {
		a.applied = id
	}
	a.appMu.Unlock()
}

func (a *nsAdapter) appliedID() streamID {
	a.appMu.Lock()
	defer a.appMu.Unlock()
	return a.applied
}

// Publish sends m over pub/sub (msgpack) when it is ephemeral, else adds
// it to the stream. With recovery on, it returns the entry id.
func (a *nsAdapter) Publish(m *clusteradapter.Message) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	if isEphemeral(m) {
		return "", a.publishMsgpack(ctx, a.public, m)
	}
	fields, err := encodeEntry(m)
	if err != nil {
		return "", err
	}
	id, err := a.c.client.XAdd(ctx, &redis.XAddArgs{
		Stream: a.opts.StreamName, MaxLen: a.opts.MaxLen, Approx: true, ID: "*", Values: fields,
	}).Result()
	if err != nil || a.rec.Load() == nil {
		return "", err
	}
	return id, nil
}

// PublishResponse sends m, in msgpack, to the node uid's own channel.
func (a *nsAdapter) PublishResponse(uid string, m *clusteradapter.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	return a.publishMsgpack(ctx, publicChannel(a.opts.ChannelPrefix, a.Name())+uid+"#", m)
}

func (a *nsAdapter) publishMsgpack(ctx context.Context, channel string, m *clusteradapter.Message) error {
	b, err := rediswire.MarshalMsgpack(m)
	if err != nil {
		return err
	}
	return a.c.client.Publish(ctx, channel, b).Err()
}

// ServerCount is the number of subscribers of the namespace's public
// channel (PUBSUB NUMSUB): one per process, as in Node.
func (a *nsAdapter) ServerCount(ctx context.Context) (int, error) {
	counts, err := a.c.client.PubSubNumSub(ctx, a.public).Result()
	if err != nil {
		return 0, err
	}
	return int(counts[a.public]), nil
}

// Broadcast publishes p and delivers it locally, with its entry id as
// offset when recovery is on; see the order field.
func (a *nsAdapter) Broadcast(p *protocol.Packet, o adapter.Options) error {
	if a.rec.Load() == nil {
		return a.Adapter.Broadcast(p, o)
	}
	a.order.RLock()
	defer a.order.RUnlock()
	return a.Adapter.Broadcast(p, o)
}

// onEntry applies an entry the reader read, with its id as offset when
// recovery is on.
func (a *nsAdapter) onEntry(id streamID, m *clusteradapter.Message) {
	offset := ""
	if a.rec.Load() != nil {
		offset = id.String()
	}
	a.order.RLock()
	a.OnMessage(m, offset)
	a.setApplied(id)
	a.order.RUnlock()
}

// Close unregisters the namespace (the last one stops the reader and the
// subscription) and fails its pending requests.
func (a *nsAdapter) Close() error {
	a.closing.Do(func() {
		a.c.remove(a)
		a.stopTimers()
		a.Adapter.Close()
	})
	return nil
}
