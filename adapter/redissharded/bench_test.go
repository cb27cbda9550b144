package redissharded_test

import (
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/protocol"
)

// BenchmarkBroadcast measures one broadcast to a room through the
// sharded adapter (a queued, pipelined SPUBLISH, which drops what its
// full queue cannot take: reported as drops/op; queued/s is the rate that
// went through), from parallel callers, on one Redis 7 and on a Redis
// Cluster of three masters. In static mode the node also receives and
// decodes its own broadcasts (it listens on the namespace's channel); in
// dynamic mode it does not host the room, so it does not.
func BenchmarkBroadcast(b *testing.B) {
	p := &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: json.RawMessage(`["msg",{"hello":"room","n":12345}]`)}
	o := adapter.Options{Rooms: []string{"bench"}}
	envs := map[string]redisEnv{
		"server":  serverEnv(b, testenv.RedisAddr(b)),
		"cluster": clusterEnv(b, rediscluster.Start(b, rediscluster.Options{})),
	}
	for _, where := range []string{"server", "cluster"} {
		for _, mode := range []redissharded.SubscriptionMode{redissharded.Static, redissharded.Dynamic} {
			b.Run(where+"/"+string(mode), func(b *testing.B) {
				a, err := redissharded.New(envs[where].rdb, redissharded.Options{Key: testKey(), SubscriptionMode: mode})(socketlessLocal{b})
				if err != nil {
					b.Fatal(err)
				}
				defer a.Close()
				var drops atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						err := a.Broadcast(p, o)
						if errors.Is(err, redissharded.ErrQueueFull) {
							drops.Add(1)
						} else if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(drops.Load())/float64(b.N), "drops/op")
				b.ReportMetric(float64(int64(b.N)-drops.Load())/b.Elapsed().Seconds(), "queued/s")
			})
		}
	}
}
