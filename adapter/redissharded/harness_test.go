package redissharded_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/namespace"
)

// redisEnv is the Redis a test runs on: a client, and the environment
// that points node-server.js at the same Redis.
type redisEnv struct {
	rdb     goredis.UniversalClient
	nodeEnv []string
}

// clusterEnv returns the redisEnv of a Redis Cluster; the client is
// closed when the test ends.
func clusterEnv(t testing.TB, c *rediscluster.Cluster) redisEnv {
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { rdb.Close() })
	return redisEnv{rdb: rdb, nodeEnv: []string{"REDIS_CLUSTER=" + strings.Join(c.Addrs(), ",")}}
}

// serverEnv returns the redisEnv of one Redis server at addr.
func serverEnv(t testing.TB, addr string) redisEnv {
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return redisEnv{rdb: rdb, nodeEnv: []string{"REDIS_URL=redis://" + addr}}
}

// testKey returns a channel prefix of the test's own.
func testKey() string { return "socketeer-sharded-" + rediswire.NewID(8) }

// node is one Socketeer server of a test cluster.
type node struct {
	handlers *clustertest.NS
	app      *app.App
	url      string
	logs     *logSink
}

func (n *node) ns() *namespace.Namespace { return n.app.Of("/") }

// startNode starts a Socketeer node with the sharded adapter.
func startNode(t *testing.T, rdb goredis.UniversalClient, key string, mode redissharded.SubscriptionMode) *node {
	t.Helper()
	logs := &logSink{t: t}
	a := app.New(app.Options{Logf: logs.logf, Adapter: redissharded.New(rdb, redissharded.Options{
		Key: key, SubscriptionMode: mode, RequestsTimeout: 3 * time.Second,
	})})
	ns := &clustertest.NS{}
	if err := a.Register(ns, "/"); err != nil {
		t.Fatal(err)
	}
	srv := clustertest.Serve(t, a)
	return &node{handlers: ns, app: a, url: srv.URL, logs: logs}
}

// logSink logs a node's lines in the test and keeps them.
type logSink struct {
	t     *testing.T
	lines atomic.Pointer[[]string]
}

func (l *logSink) logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.t.Log(line)
	for {
		old := l.lines.Load()
		var next []string
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, line)
		if l.lines.CompareAndSwap(old, &next) {
			return
		}
	}
}

// has reports whether a logged line contains s.
func (l *logSink) has(s string) bool {
	if p := l.lines.Load(); p != nil {
		for _, line := range *p {
			if strings.Contains(line, s) {
				return true
			}
		}
	}
	return false
}

// startNodeServer starts interop/cluster/node-server.js with the sharded
// adapter, and returns it with its URL.
func startNodeServer(t *testing.T, env redisEnv, key string, mode redissharded.SubscriptionMode) (*clustertest.Proc, string) {
	t.Helper()
	e := append([]string{"ADAPTER=sharded", "KEY=" + key, "SUBSCRIPTION_MODE=" + string(mode)}, env.nodeEnv...)
	p := clustertest.StartScript(t, "cluster/node-server.js", e...)
	m := p.WaitN(1, clustertest.IsType("listening"))
	return p, fmt.Sprintf("http://127.0.0.1:%d", m[0].Num("port"))
}

// shardNumSub returns the subscribers of the sharded channel ch, asked of
// the node that serves it.
func shardNumSub(ctx context.Context, rdb goredis.UniversalClient, ch string) (int, error) {
	var c goredis.Cmdable = rdb
	if cc, ok := rdb.(*goredis.ClusterClient); ok {
		node, err := cc.MasterForKey(ctx, ch)
		if err != nil {
			return 0, err
		}
		c = node
	}
	got, err := c.PubSubShardNumSub(ctx, ch).Result()
	return int(got[ch]), err
}

// waitSubscribers waits until n nodes subscribe to the sharded channel ch.
func waitSubscribers(t *testing.T, rdb goredis.UniversalClient, ch string, n int) {
	t.Helper()
	waitSubscribersFor(t, rdb, ch, n, clustertest.WaitTimeout)
}

// waitSubscribersFor is waitSubscribers with a timeout of its own.
func waitSubscribersFor(t *testing.T, rdb goredis.UniversalClient, ch string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := shardNumSub(context.Background(), rdb, ch)
		if err == nil && got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers of %s, want %d (err %v)", got, ch, n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
