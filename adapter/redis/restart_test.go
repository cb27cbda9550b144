package redis_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/testenv"
)

// redisServer is a redis-server process of the test's own, on a free port.
type redisServer struct {
	t    *testing.T
	bin  string
	port int
	cmd  *exec.Cmd
}

// startRedisServer starts redis-server without persistence on a free
// port. Without redis-server on PATH the test is skipped, or fails when
// SOCKETEER_REQUIRE_INTEROP=1.
func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server not found in PATH (apt-get install redis-server): " + err.Error()
		if testenv.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &redisServer{t: t, bin: bin, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

func (r *redisServer) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: r.addr(), MaxRetries: -1})
	defer rdb.Close()
	waitUntil(r.t, func() bool { return rdb.Ping(context.Background()).Err() == nil })
}

// stop kills the server and waits for it; a stopped server is left alone.
func (r *redisServer) stop() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Kill()
	r.cmd.Wait()
	r.cmd = nil
}

// TestRedisRestart stops and restarts the Redis server under two running
// nodes: each keeps serving its own clients during the outage, what is
// broadcast meanwhile does not reach the other node (pub/sub is
// at-most-once), and the cluster works again once Redis is back, without
// restarting the nodes.
func TestRedisRestart(t *testing.T) {
	testenv.Node(t)
	srv := startRedisServer(t)
	rdb := newClient(t, srv.addr())
	key := testKey(t)
	nodes := []*node{startNode(t, rdb, key), startNode(t, rdb, key)}
	waitNodes(t, rdb, key, 2)
	c := clustertest.StartClients(t, 1, nodes[0].url, nodes[1].url)

	check(t, nodes[0].ns().Emit("before"))
	if got := c.Receivers("before", 2); !reflect.DeepEqual(got, []int{0, 1}) {
		t.Fatalf("before the outage: receivers %v", got)
	}

	srv.stop()
	down := time.Now()
	check(t, nodes[0].ns().Emit("during"))
	c.Join(1, "room-during-outage") // node 1 still handles its client's events
	check(t, nodes[1].ns().To("room-during-outage").Emit("local-during"))
	if got := c.Receivers("local-during", 1); !reflect.DeepEqual(got, []int{1}) {
		t.Fatalf("during the outage, node 1's room: receivers %v", got)
	}
	if got := c.Receivers("during", 1); !reflect.DeepEqual(got, []int{0}) {
		t.Fatalf("during the outage: receivers %v, want only node 0's client", got)
	}
	t.Logf("Redis down for %v", time.Since(down))

	up := time.Now() // includes redis-server's own start-up
	srv.start()
	waitNodes(t, rdb, key, 2)
	t.Logf("both nodes resubscribed %v after redis-server was started again", time.Since(up))
	// The publishing connection may need one failed attempt to notice the
	// restart: retry until a broadcast crosses.
	waitUntil(t, func() bool {
		check(t, nodes[1].ns().Emit("after"))
		time.Sleep(100 * time.Millisecond)
		return len(c.Matching(func(m clustertest.Msg) bool { return clustertest.IsEvent("after")(m) && m.Num("c") == 0 })) > 0
	})
	t.Logf("a broadcast crossed again %v after Redis restarted", time.Since(up))
	// At most once: the outage's broadcast is lost for node 1, unless the
	// client library's retries (go-redis MaxRetries, with backoff) got it
	// through once Redis was back; never twice.
	got := c.Receivers("during", 0)
	if !reflect.DeepEqual(got, []int{0}) && !reflect.DeepEqual(got, []int{0, 1}) {
		t.Fatalf("the broadcast made during the outage: receivers %v, want [0] (lost for node 1) or [0 1] (retried once)", got)
	}
	t.Logf("the broadcast made during the outage reached receivers %v", got)
}
