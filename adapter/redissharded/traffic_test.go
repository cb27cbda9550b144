package redissharded_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestRoomTraffic measures what dynamic mode saves on a room-heavy load:
// two Socketeer nodes each host 100 rooms of their own, the first node
// sends 5 messages to each of the 200 rooms, and the bytes Redis sends out
// (INFO total_net_output_bytes over the masters) are compared. In static
// mode every node receives every message; in dynamic mode a node receives
// only the rooms it hosts, so Redis sends about half as much here, and
// 1/N of it with N nodes.
func TestRoomTraffic(t *testing.T) {
	testenv.Node(t)
	rc := rediscluster.Start(t, rediscluster.Options{})
	env := clusterEnv(t, rc)
	const rooms, perRoom = 100, 5
	payload := strings.Repeat("x", 100)
	out := map[redissharded.SubscriptionMode]int64{}
	for _, mode := range []redissharded.SubscriptionMode{redissharded.Static, redissharded.Dynamic} {
		t.Run(string(mode), func(t *testing.T) {
			key := testKey()
			a := startNode(t, env.rdb, key, mode)
			b := startNode(t, env.rdb, key, mode)
			waitSubscribers(t, env.rdb, rediswire.BroadcastChannel(key, "/"), 2)
			c := clustertest.StartClients(t, 1, a.url, b.url)
			var ra, rb []string
			for i := range rooms {
				ra, rb = append(ra, fmt.Sprint("a", i)), append(rb, fmt.Sprint("b", i))
			}
			check(t, a.ns().Local().SocketsJoin(ra...))
			check(t, b.ns().Local().SocketsJoin(rb...))
			if mode == redissharded.Dynamic {
				for _, r := range append(ra, rb...) {
					waitSubscribers(t, env.rdb, rediswire.RoomChannel(key, "/", r), 1)
				}
			}
			before := netOutput(t, rc)
			start := time.Now()
			for range perRoom {
				for _, r := range append(ra, rb...) {
					check(t, a.ns().To(r).Emit("m", payload))
				}
			}
			c.WaitN(2*rooms*perRoom, clustertest.IsEvent("m"))
			elapsed := time.Since(start)
			out[mode] = netOutput(t, rc) - before
			t.Logf("%s: %d messages to %d rooms delivered in %v; Redis sent %d bytes (%d per message)",
				mode, 2*rooms*perRoom, 2*rooms, elapsed, out[mode], out[mode]/(2*rooms*perRoom))
		})
	}
	if s, d := out[redissharded.Static], out[redissharded.Dynamic]; d == 0 || s == 0 || float64(d) > 0.75*float64(s) {
		t.Fatalf("Redis sent %d bytes in dynamic mode, %d in static: want dynamic well under static", d, s)
	}
}

// netOutput returns the bytes the cluster's masters sent to clients.
func netOutput(t *testing.T, rc *rediscluster.Cluster) int64 {
	t.Helper()
	var total int64
	for _, addr := range rc.Addrs() {
		rdb := goredis.NewClient(&goredis.Options{Addr: addr})
		info, err := rdb.Info(context.Background(), "stats").Result()
		rdb.Close()
		check(t, err)
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_net_output_bytes:"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				check(t, err)
				total += n
			}
		}
	}
	return total
}
