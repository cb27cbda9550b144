package main

import (
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/examples/internal/redisadapter"
)

// withRedis configures the Redis adapter when REDIS_URL is set, as the
// benchmark contract's multi-node mode asks: instances on one Redis form
// one cluster, and a broadcast reaches room "bench" on every node.
// REDIS_ADAPTER picks the adapter: "pubsub" (the default) or "streams",
// the Redis Streams adapter that recovery across nodes needs.
func withRedis(o *app.Options) error {
	url := os.Getenv("REDIS_URL")
	kind := os.Getenv("REDIS_ADAPTER")
	if url == "" {
		_, err := redisadapter.New(kind, nil, "") // still reject a bad name
		return err
	}
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	o.Adapter, err = redisadapter.New(kind, redis.NewClient(ropts), "")
	return err
}
