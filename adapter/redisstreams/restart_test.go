package redisstreams_test

import (
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/internal/clustertest"
)

// TestRedisRestart stops and restarts the Redis server under two running
// nodes: each keeps serving its own clients during the outage (a broadcast
// reports the failed XADD after delivering locally), and the cluster works
// again once Redis is back, without restarting the nodes: the readers and
// the subscription come back on their own.
func TestRedisRestart(t *testing.T) {
	srv := clustertest.StartRedisServer(t)
	rdb := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	nm := newNames(t, rdb)
	nodes := []*node{startNode(t, rdb, nm, 0), startNode(t, rdb, nm, 0)}
	waitNodes(t, rdb, nm, 2)
	c := clustertest.StartClients(t, 1, nodes[0].url, nodes[1].url)
	check(t, nodes[0].of().Emit("before"))
	c.Delivered("before", []int{0, 1}, nil)

	srv.Stop()
	if err := nodes[0].of().Emit("during"); err == nil {
		t.Error("a broadcast during the outage reported no error")
	}
	c.Delivered("during", []int{0}, nil)

	up := time.Now()
	srv.Start()
	waitNodes(t, rdb, nm, 2)
	waitUntil(t, "a broadcast crossing again", func() bool {
		if err := nodes[1].of().Emit("after"); err != nil {
			return false
		}
		time.Sleep(100 * time.Millisecond)
		return len(c.Matching(func(m clustertest.Msg) bool { return clustertest.IsEvent("after")(m) && m.Num("c") == 0 })) > 0
	})
	t.Logf("a broadcast crossed again %v after Redis restarted", time.Since(up))
}
