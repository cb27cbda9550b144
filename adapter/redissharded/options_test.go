package redissharded_test

import (
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/errors"
)

// TestFactoryErrors checks that the factory refuses what it cannot use,
// with errors that say why and wrap errors.ErrAdapter.
func TestFactoryErrors(t *testing.T) {
	down := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer down.Close()
	ring := goredis.NewRing(&goredis.RingOptions{Addrs: map[string]string{"a": "127.0.0.1:1"}})
	defer ring.Close()
	for _, tc := range []struct {
		name   string
		client goredis.UniversalClient
		opts   redissharded.Options
		want   error
	}{
		{"unknown mode", down, redissharded.Options{SubscriptionMode: "sometimes"}, redissharded.ErrOptions},
		{"ring client", ring, redissharded.Options{}, redissharded.ErrOptions},
		{"Redis unreachable", down, redissharded.Options{RequestsTimeout: 500 * time.Millisecond}, redissharded.ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := redissharded.New(tc.client, tc.opts)(socketlessLocal{t})
			if !errors.Is(err, tc.want) || !errors.Is(err, errors.ErrAdapter) || a != nil {
				t.Fatalf("factory: %v, %v; want an error wrapping %v", a, err, tc.want)
			}
			t.Log(err)
		})
	}
}
