package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestBench builds and starts the benchmark server, then checks its
// contract with client.js: echo acks its args unchanged, broadcast reaches
// room "bench", the sender included.
func TestBench(t *testing.T) {
	srv := run.Start(t, ".", "bench server on")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
	for _, want := range []string{`echo acked: {"n":1,"s":"two"}`, `broadcast got: {"hello":"room"}`} {
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
