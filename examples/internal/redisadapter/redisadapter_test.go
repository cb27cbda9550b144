package redisadapter

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestNew(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled: factories connect per namespace
	defer rdb.Close()
	for _, tc := range []struct {
		kind string
		ok   bool
	}{{"", true}, {"pubsub", true}, {"streams", true}, {"kafka", false}} {
		f, err := New(tc.kind, rdb, "")
		if (err == nil) != tc.ok || (f != nil) != tc.ok {
			t.Errorf("New(%q) = %v, %v", tc.kind, f != nil, err)
		}
	}
}
