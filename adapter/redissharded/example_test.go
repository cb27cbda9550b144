package redissharded_test

import (
	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/app"
)

// An app whose nodes share a Redis Cluster: each node subscribes to the
// rooms it hosts, on the shard that serves each room's channel. Node
// servers in the same cluster must use createShardedAdapter with
// subscriptionMode "dynamic" too.
func ExampleNew() {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"},
	})
	a := app.New(app.Options{
		Adapter: redissharded.New(rdb, redissharded.Options{SubscriptionMode: redissharded.Dynamic}),
	})
	_ = a // register namespaces, then a.ListenAndServe(":3000")
}
