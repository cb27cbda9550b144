package main

import (
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"

	redisadapter "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/app"
)

// withRedis configures the Redis adapter when REDIS_URL is set, as the
// benchmark contract's multi-node mode asks: instances on one Redis form
// one cluster, and a broadcast reaches room "bench" on every node.
// REDIS_ADAPTER picks the adapter: "pubsub" (the default) or "streams",
// the Redis Streams adapter that recovery across nodes needs, which this
// build does not have yet.
func withRedis(o *app.Options) error {
	url := os.Getenv("REDIS_URL")
	switch kind := os.Getenv("REDIS_ADAPTER"); kind {
	case "", "pubsub":
	case "streams":
		return fmt.Errorf("REDIS_ADAPTER=streams: the Redis Streams adapter is not available yet (issue 13); use pubsub")
	default:
		return fmt.Errorf("REDIS_ADAPTER=%q: want pubsub or streams", kind)
	}
	if url == "" {
		return nil
	}
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	o.Adapter = redisadapter.New(redis.NewClient(ropts), redisadapter.Options{})
	return nil
}
