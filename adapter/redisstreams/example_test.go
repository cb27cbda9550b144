package redisstreams_test

import (
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/app"
)

// An app whose nodes share one Redis stream, and whose clients recover
// their connection state on any node within two minutes.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	a := app.New(app.Options{
		Adapter:  redisstreams.New(rdb, redisstreams.Options{}),
		Recovery: &app.Recovery{Window: 2 * time.Minute},
	})
	_ = a // register namespaces, then a.ListenAndServe(":3000")
}
