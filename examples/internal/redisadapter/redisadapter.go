// Package redisadapter picks the Redis adapter of an example program by
// name, the way the examples' REDIS_ADAPTER variable does: "pubsub" (the
// classic pub/sub adapter, the default), "streams" (the Redis Streams
// adapter, which connection state recovery across nodes needs) or
// "sharded" (sharded pub/sub on a Redis Cluster, with
// REDIS_SUBSCRIPTION_MODE), and makes the Redis client: of a Redis Cluster
// when REDIS_CLUSTER lists its nodes, else of the server at REDIS_URL.
package redisadapter

import (
	"fmt"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	pubsub "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/adapter/redisstreams"
)

// New returns the factory of the adapter kind ("", "pubsub", "streams" or
// "sharded") on rdb; key is the channel prefix ("" for the default,
// "socket.io", which the stream's name also defaults to). The sharded
// adapter takes its subscription mode from REDIS_SUBSCRIPTION_MODE
// ("static" when unset, "dynamic", "dynamic-private"), which only it has.
func New(kind string, rdb redis.UniversalClient, key string) (adapter.Factory, error) {
	mode := os.Getenv("REDIS_SUBSCRIPTION_MODE")
	if mode != "" && kind != "sharded" {
		return nil, fmt.Errorf("REDIS_SUBSCRIPTION_MODE=%q: only REDIS_ADAPTER=sharded has subscription modes", mode)
	}
	switch kind {
	case "", "pubsub":
		return pubsub.New(rdb, pubsub.Options{Key: key}), nil
	case "streams":
		return redisstreams.New(rdb, redisstreams.Options{ChannelPrefix: key, StreamName: key}), nil
	case "sharded":
		switch m := redissharded.SubscriptionMode(mode); m {
		case "", redissharded.Static, redissharded.Dynamic, redissharded.DynamicPrivate:
			return redissharded.New(rdb, redissharded.Options{Key: key, SubscriptionMode: m}), nil
		}
		return nil, fmt.Errorf("REDIS_SUBSCRIPTION_MODE=%q: want static, dynamic or dynamic-private", mode)
	}
	return nil, fmt.Errorf("REDIS_ADAPTER=%q: want pubsub, streams or sharded", kind)
}

// Client returns the client of the Redis Cluster whose nodes cluster
// lists (host:port,host:port, as REDIS_CLUSTER), or when cluster is empty
// of the server at url (as REDIS_URL; a comma-separated list of URLs is a
// cluster's nodes, as the benchmark contract allows), and says which in a
// few words for the logs.
func Client(url, cluster string) (redis.UniversalClient, string, error) {
	if cluster != "" {
		addrs := strings.Split(cluster, ",")
		for _, a := range addrs {
			if a == "" || !strings.Contains(a, ":") {
				return nil, "", fmt.Errorf("REDIS_CLUSTER=%q: want host:port,host:port", cluster)
			}
		}
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs}), "Redis Cluster " + cluster, nil
	}
	if strings.Contains(url, ",") {
		// The benchmark contract's form of a cluster: REDIS_URL lists its
		// nodes, redis://host:port,redis://host:port.
		var addrs []string
		for _, u := range strings.Split(url, ",") {
			ropts, err := redis.ParseURL(strings.TrimSpace(u))
			if err != nil {
				return nil, "", fmt.Errorf("REDIS_URL: %w", err)
			}
			addrs = append(addrs, ropts.Addr)
		}
		return Client("", strings.Join(addrs, ","))
	}
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return nil, "", fmt.Errorf("REDIS_URL: %w", err)
	}
	return redis.NewClient(ropts), "Redis " + ropts.Addr, nil
}
