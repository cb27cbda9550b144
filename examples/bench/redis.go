package main

import (
	"os"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/examples/internal/redisadapter"
)

// withRedis configures the Redis adapter when REDIS_URL or REDIS_CLUSTER
// is set, as the benchmark contract's multi-node mode asks: instances on
// one Redis form one cluster, and a broadcast reaches room "bench" on
// every node. REDIS_ADAPTER picks the adapter: "pubsub" (the default),
// "streams", the Redis Streams adapter that recovery across nodes needs,
// or "sharded", sharded pub/sub on the Redis Cluster whose nodes
// REDIS_CLUSTER lists (host:port,host:port; or REDIS_URL, as
// redis://host:port,redis://host:port, the contract's form), with
// REDIS_SUBSCRIPTION_MODE.
func withRedis(o *app.Options) error {
	url, cluster := os.Getenv("REDIS_URL"), os.Getenv("REDIS_CLUSTER")
	kind := os.Getenv("REDIS_ADAPTER")
	if url == "" && cluster == "" {
		_, err := redisadapter.New(kind, nil, "") // still reject a bad name
		return err
	}
	rdb, _, err := redisadapter.Client(url, cluster)
	if err != nil {
		return err
	}
	o.Adapter, err = redisadapter.New(kind, rdb, "")
	return err
}
