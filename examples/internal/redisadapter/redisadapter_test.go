package redisadapter

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestNew(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled: factories connect per namespace
	defer rdb.Close()
	for _, tc := range []struct {
		kind, mode string
		ok         bool
	}{
		{"", "", true}, {"pubsub", "", true}, {"streams", "", true}, {"kafka", "", false},
		{"sharded", "", true}, {"sharded", "dynamic", true}, {"sharded", "dynamic-private", true},
		{"sharded", "sometimes", false}, {"pubsub", "dynamic", false},
	} {
		t.Setenv("REDIS_SUBSCRIPTION_MODE", tc.mode)
		f, err := New(tc.kind, rdb, "")
		if (err == nil) != tc.ok || (f != nil) != tc.ok {
			t.Errorf("New(%q) with REDIS_SUBSCRIPTION_MODE=%q = %v, %v", tc.kind, tc.mode, f != nil, err)
		}
	}
}

func TestClient(t *testing.T) {
	for _, tc := range []struct {
		url, cluster string
		want         string // "" for an error
	}{
		{"redis://127.0.0.1:6379", "", "Redis 127.0.0.1:6379"},
		{"redis://127.0.0.1:6379", "127.0.0.1:7000,127.0.0.1:7001", "Redis Cluster 127.0.0.1:7000,127.0.0.1:7001"},
		{"", "127.0.0.1:7000,", ""},
		{"", "localhost", ""},
		{"http://x", "", ""},
		{"redis://127.0.0.1:7000,redis://127.0.0.1:7001/0", "", "Redis Cluster 127.0.0.1:7000,127.0.0.1:7001"},
		{"redis://127.0.0.1:7000,http://x", "", ""},
	} {
		rdb, what, err := Client(tc.url, tc.cluster)
		if (err == nil) != (tc.want != "") || what != tc.want {
			t.Errorf("Client(%q, %q) = %q, %v", tc.url, tc.cluster, what, err)
		}
		if rdb != nil {
			rdb.Close()
		}
	}
}
