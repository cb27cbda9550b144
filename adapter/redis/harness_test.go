package redis_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/namespace"
)

// newClient returns a go-redis client of addr, closed when the test ends
// (after the nodes, whose cleanups were registered later).
func newClient(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// testKey returns a channel prefix of the test's own, so that runs and
// tests sharing one Redis do not see each other's messages.
func testKey(t *testing.T) string {
	return "socketeer-test-" + rediswire.NewID(8)
}

// testNS is the namespace every Socketeer node of the tests serves.
type testNS struct {
	namespace.Namespace
	serverSide atomic.Pointer[func(event string, args []json.RawMessage)]
}

// OnServerSideEmit passes what other nodes send with ServerSideEmit to the
// function the test set with onServerSide.
func (n *testNS) OnServerSideEmit(event string, args []json.RawMessage) {
	if fn := n.serverSide.Load(); fn != nil {
		(*fn)(event, args)
	}
}

// OnJoin makes the socket join room and acknowledges "ok".
func (n *testNS) OnJoin(s *namespace.Socket, room string) string {
	s.Join(room)
	return "ok"
}

// node is one Socketeer server of a test cluster.
type node struct {
	handlers *testNS
	app      *app.App
	srv      *httptest.Server
	url      string
}

func (n *node) ns() *namespace.Namespace { return n.app.Of("/") }

// onServerSide sets what receives the node's server-side events.
func (n *node) onServerSide(fn func(event string, args []json.RawMessage)) {
	n.handlers.serverSide.Store(&fn)
}

// startNode starts a Socketeer node with the Redis adapter on rdb.
func startNode(t *testing.T, rdb goredis.UniversalClient, key string) *node {
	t.Helper()
	return startNodeWith(t, rdb, key, app.ParserJSON)
}

// startNodeWith starts a Socketeer node of parser with the Redis adapter
// on rdb.
func startNodeWith(t *testing.T, rdb goredis.UniversalClient, key string, parser app.Parser) *node {
	t.Helper()
	a := app.New(app.Options{Parser: parser, Adapter: redisadapter.New(rdb, redisadapter.Options{
		Key: key, RequestsTimeout: 3 * time.Second, Logf: t.Logf,
	})})
	ns := &testNS{}
	if err := a.Register(ns, "/"); err != nil {
		t.Fatal(err)
	}
	srv := clustertest.Serve(t, a)
	return &node{handlers: ns, app: a, srv: srv, url: srv.URL}
}

// waitNodes waits until n nodes subscribe to the request channel of "/".
func waitNodes(t *testing.T, rdb goredis.UniversalClient, key string, n int) {
	t.Helper()
	ch := rediswire.RequestChannel(key, "/")
	deadline := time.Now().Add(clustertest.WaitTimeout)
	for {
		got, err := rdb.PubSubNumSub(context.Background(), ch).Result()
		if err == nil && int(got[ch]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d nodes subscribed to %s, want %d (err %v)", got[ch], ch, n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
