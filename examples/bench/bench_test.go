package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestBench builds and starts the benchmark server, then checks its
// contract with client.js: echo acks its args unchanged, broadcast reaches
// room "bench", the sender included; and the room-heavy run's events: join
// acks how many rooms it joined, roomcast reaches the room.
func TestBench(t *testing.T) {
	srv := run.Start(t, ".", "bench server on")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
	for _, want := range []string{`echo acked: {"n":1,"s":"two"}`, `broadcast got: {"hello":"room"}`,
		`join acked: 2`, `roomcast got: {"room":"r2"}`} {
		if !strings.Contains(out, want) {
			t.Errorf("client printed %q, want %q", out, want)
		}
	}
}

// TestBenchRecovery runs the contract with RECOVERY set, alone and on
// the Redis Streams adapter, and checks that a bad RECOVERY or
// REDIS_ADAPTER stops the server with a clear error.
func TestBenchRecovery(t *testing.T) {
	streams := []string{"RECOVERY=30s", "REDIS_URL=redis://" + testenv.RedisAddr(t), "REDIS_ADAPTER=streams"}
	for _, env := range [][]string{{"RECOVERY=30s"}, streams} {
		srv := run.Start(t, ".", "bench server on", env...)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
		cancel()
		if want := `broadcast got: {"hello":"room"}`; !strings.Contains(out, want) {
			t.Errorf("%v: client printed %q, want %q", env, out, want)
		}
	}
	for _, env := range []string{"RECOVERY=soon", "REDIS_ADAPTER=kafka"} {
		t.Setenv(strings.Split(env, "=")[0], strings.Split(env, "=")[1])
		if _, err := newApp(); err == nil {
			t.Errorf("%s: newApp succeeded, want an error", env)
		}
	}
}

// TestBenchSharded runs two benchmark servers with REDIS_ADAPTER=sharded
// on a Redis Cluster of their own, in static and dynamic mode: a
// broadcast a client asks of one server reaches the clients of both.
func TestBenchSharded(t *testing.T) {
	testenv.Node(t)
	rc := rediscluster.Start(t, rediscluster.Options{})
	for _, mode := range []string{"static", "dynamic"} {
		t.Run(mode, func(t *testing.T) {
			env := []string{"REDIS_ADAPTER=sharded", "REDIS_CLUSTER=" + strings.Join(rc.Addrs(), ","), "REDIS_SUBSCRIPTION_MODE=" + mode}
			a := run.Start(t, ".", "bench server on", env...)
			b := run.Start(t, ".", "bench server on", env...)
			c := clustertest.StartClients(t, 1, a.URL, b.URL)
			// The room "bench" gets its channel in the background in the
			// dynamic modes: send until both clients got one.
			deadline := time.Now().Add(clustertest.WaitTimeout)
			for len(c.Receivers("msg", 0)) < 2 {
				if time.Now().After(deadline) {
					t.Fatalf("receivers %v; server outputs:\n%s\n%s", c.Receivers("msg", 0), a.Output(), b.Output())
				}
				c.Send(map[string]any{"cmd": "emit", "c": 0, "event": "broadcast", "args": []any{"hi"}})
			}
		})
	}
	t.Setenv("REDIS_ADAPTER", "sharded")
	t.Setenv("REDIS_SUBSCRIPTION_MODE", "sometimes")
	if _, err := newApp(); err == nil {
		t.Error("REDIS_SUBSCRIPTION_MODE=sometimes: newApp succeeded, want an error")
	}
}
