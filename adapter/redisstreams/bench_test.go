package redisstreams_test

import (
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/socketeer/socketeer/adapter"
	pubsub "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/protocol"
)

// emptyLocal is a namespace "/" without sockets: the benchmarks measure
// what a broadcast costs on the way to Redis.
type emptyLocal struct{ tb testing.TB }

func (l emptyLocal) Name() string                              { return "/" }
func (l emptyLocal) Socket(string) adapter.Socket              { return nil }
func (l emptyLocal) Each(func(adapter.Socket))                 {}
func (l emptyLocal) ServerSideEvent(string, []json.RawMessage) {}
func (l emptyLocal) Logf(format string, args ...any)           { l.tb.Logf(format, args...) }

// BenchmarkBroadcast compares one broadcast through the streams adapter
// (an awaited XADD), with and without recovery, and through the pub/sub
// adapter (a queued, pipelined PUBLISH, which drops what its full queue
// cannot take: reported as drops/op), from parallel callers.
func BenchmarkBroadcast(b *testing.B) {
	p := &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: json.RawMessage(`["msg",{"hello":"room","n":12345}]`)}
	o := adapter.Options{Rooms: []string{"bench"}}
	rdb := newClient(&testing.T{})
	defer rdb.Close()
	for _, name := range []string{"pubsub", "streams", "streams+recovery"} {
		b.Run(name, func(b *testing.B) {
			nm := names{stream: "socketeer-bench-" + name, key: "socketeer-bench-" + name}
			defer rdb.Del(b.Context(), nm.stream)
			f := redisstreams.New(rdb, redisstreams.Options{StreamName: nm.stream, ChannelPrefix: nm.key})
			if name == "pubsub" {
				f = pubsub.New(rdb, pubsub.Options{Key: nm.key})
			}
			a, err := f(emptyLocal{b})
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			if s, ok := a.(recovery.Store); ok && name == "streams+recovery" {
				s.EnableRecovery(recovery.Options{})
			}
			var drops atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					err := a.Broadcast(p, o)
					if errors.Is(err, pubsub.ErrQueueFull) {
						drops.Add(1)
					} else if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(drops.Load())/float64(b.N), "drops/op")
		})
	}
}
