// Package redisadapter picks the Redis adapter of an example program by
// name, the way the examples' REDIS_ADAPTER variable does: "pubsub" (the
// classic pub/sub adapter, the default) or "streams" (the Redis Streams
// adapter, which connection state recovery across nodes needs).
package redisadapter

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	pubsub "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/adapter/redisstreams"
)

// New returns the factory of the adapter kind ("", "pubsub" or
// "streams") on rdb; key is the channel prefix ("" for the default,
// "socket.io", which the stream's name also defaults to).
func New(kind string, rdb redis.UniversalClient, key string) (adapter.Factory, error) {
	switch kind {
	case "", "pubsub":
		return pubsub.New(rdb, pubsub.Options{Key: key}), nil
	case "streams":
		return redisstreams.New(rdb, redisstreams.Options{ChannelPrefix: key, StreamName: key}), nil
	}
	return nil, fmt.Errorf("REDIS_ADAPTER=%q: want pubsub or streams", kind)
}
