package redissharded

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf16"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/clusteradapter"
	"github.com/socketeer/socketeer/internal/redispub"
	"github.com/socketeer/socketeer/internal/rediswire"
)

// transport moves one namespace's messages over sharded pub/sub: Node's
// ShardedRedisAdapter without its ClusterAdapter base.
type transport struct {
	client redis.UniversalClient
	opts   Options
	local  adapter.Local
	core   *clusteradapter.Adapter
	pub    *redispub.Publisher
	sub    *subscriber

	channel         string // <key>#<nsp>#
	responseChannel string // <key>#<nsp>#<uid>#
}

var _ clusteradapter.Transport = (*transport)(nil)

func newTransport(client redis.UniversalClient, opts Options, local adapter.Local) *transport {
	t := &transport{
		client:  client,
		opts:    opts,
		local:   local,
		channel: rediswire.BroadcastChannel(opts.Key, local.Name()),
	}
	t.sub = newSubscriber(client, t.onMessage, t.logf, t.failed)
	return t
}

// start subscribes to the namespace's channel and to this node's
// response channel, and waits for Redis to confirm both, so that the node
// is counted (PUBSUB SHARDNUMSUB) once the factory returns.
func (t *transport) start(core *clusteradapter.Adapter) error {
	t.core = core
	t.responseChannel = t.roomChannel(core.UID())
	ctx, cancel := context.WithTimeout(context.Background(), t.opts.RequestsTimeout)
	defer cancel()
	fail := func(what string, err error) error {
		t.sub.close()
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, what, err)
	}
	if err := t.client.Ping(ctx).Err(); err != nil {
		return fail("PING", err)
	}
	t.sub.add(t.channel)
	t.sub.add(t.responseChannel)
	if err := t.sub.waitSubscribed(ctx, t.channel, t.responseChannel); err != nil {
		return fail("SSUBSCRIBE", err)
	}
	t.pub = redispub.New(t.client, redispub.Options{
		Sharded:      true,
		QueueSize:    t.opts.QueueSize,
		Timeout:      t.opts.RequestsTimeout,
		ErrQueueFull: ErrQueueFull,
		ErrClosed:    ErrClosed,
		Failed: func(n int, err error) {
			t.logf("publishing %d message(s): %v", n, err)
			t.failed("publish")
		},
	})
	return nil
}

// roomChannel is the channel of one room in the dynamic modes, and of a
// node's responses: "<key>#<nsp>#<room>#".
func (t *transport) roomChannel(room string) string { return t.channel + room + "#" }

// Publish queues m on the namespace's channel, or on its room's channel
// in the dynamic modes (see channelFor). The offset is always "".
func (t *transport) Publish(m *clusteradapter.Message) (string, error) {
	payload, err := encode(m)
	if err != nil {
		return "", err
	}
	return "", t.pub.Enqueue(t.channelFor(m), payload)
}

// PublishResponse queues m on the response channel of the node uid.
func (t *transport) PublishResponse(uid string, m *clusteradapter.Message) error {
	payload, err := encode(m)
	if err != nil {
		return err
	}
	return t.pub.Enqueue(t.roomChannel(uid), payload)
}

// channelFor returns where m is published: a broadcast without acks to
// exactly one room goes on the room's channel in Dynamic mode unless the
// room looks like a socket id, and always in DynamicPrivate mode; a
// broadcast with acks stays on the namespace's channel, as every node
// counted must get it. Everything else goes on the namespace's channel.
func (t *transport) channelFor(m *clusteradapter.Message) string {
	d := m.Data
	if m.Type != clusteradapter.Broadcast || d == nil || d.RequestID != "" || d.Opts == nil || len(d.Opts.Rooms) != 1 {
		return t.channel
	}
	room := d.Opts.Rooms[0]
	switch t.opts.SubscriptionMode {
	case Dynamic:
		if !looksLikeSocketID(room) {
			return t.roomChannel(room)
		}
	case DynamicPrivate:
		return t.roomChannel(room)
	}
	return t.channel
}

// looksLikeSocketID is Node's test: 20 characters, counted as JavaScript
// does (UTF-16 code units).
func looksLikeSocketID(room string) bool {
	n := 0
	for _, r := range room {
		n += utf16.RuneLen(r)
	}
	return n == 20
}

// encode returns m as Node's sharded adapter sends it: msgpack when it is
// of a type that may hold binary and does, JSON otherwise.
func encode(m *clusteradapter.Message) ([]byte, error) {
	if m.Type.MayHoldBinary() && clusteradapter.HasBinary(m.Data) {
		return rediswire.MarshalMsgpack(m)
	}
	return json.Marshal(m)
}

// onMessage decodes a message received on any channel (JSON when it
// starts with '{', msgpack otherwise) and passes it to the core, which
// ignores this node's own.
func (t *transport) onMessage(channel string, payload []byte) {
	var m clusteradapter.Message
	if err := rediswire.Unmarshal(payload, &m); err != nil {
		t.logf("malformed message on %s: %v", channel, err)
		return
	}
	t.core.OnMessage(&m, "")
}

// ServerCount returns the number of subscribers of the namespace's
// channel (PUBSUB SHARDNUMSUB), asked of the node that serves it.
func (t *transport) ServerCount(ctx context.Context) (int, error) {
	node, err := t.sub.nodeFor(ctx, t.channel)
	if err != nil {
		return 0, err
	}
	counts, err := node.PubSubShardNumSub(ctx, t.channel).Result()
	if err != nil {
		return 0, err
	}
	return int(counts[t.channel]), nil
}

func (t *transport) logf(format string, args ...any) {
	t.opts.Logf("socketeer/adapter/redissharded: "+t.local.Name()+": "+format, args...)
}

// failed tells the app's observers (package metrics) that a publish or a
// subscription failed, when the namespace's Local listens for that.
func (t *transport) failed(kind string) {
	if w, ok := t.local.(interface{ AdapterError(kind string) }); ok {
		w.AdapterError(kind)
	}
}

// close publishes what is queued and closes the subscriptions.
func (t *transport) close() {
	if t.pub != nil {
		t.pub.Close()
	}
	t.sub.close()
}
