package rediscluster_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/internal/rediscluster"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFailover creates a cluster of three masters with a replica each,
// checks that a sharded publish reaches a subscriber, kills the master of
// the channel's slot, waits for its replica to take over and for the old
// master to rejoin after a restart.
func TestFailover(t *testing.T) {
	c := rediscluster.Start(t, rediscluster.Options{Replicas: 1})
	if n := len(c.Addrs()); n != 6 {
		t.Fatalf("%d nodes, want 6", n)
	}
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: c.Addrs()})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const ch = "socket.io#/#"
	roundTrip(ctx, t, rdb, ch)

	old := c.MasterOf(ch)
	start := time.Now()
	c.Kill(old)
	c.WaitHealthy()
	now := c.MasterOf(ch)
	if now == old {
		t.Fatalf("the slot of %s is still on %s", ch, old)
	}
	t.Logf("replica %s took over from %s in %v", now, old, time.Since(start))
	// go-redis reloads its view of the slots lazily: retry until it has.
	rdb.ReloadState(ctx)
	for err := tryRoundTrip(ctx, rdb, ch); err != nil; err = tryRoundTrip(ctx, rdb, ch) {
		if ctx.Err() != nil {
			t.Fatalf("after the failover: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	c.Restart(old)
	c.WaitHealthy()
	if got := c.MasterOf(ch); got != now {
		t.Fatalf("after the restart the master is %s, want %s (the old master rejoins as a replica)", got, now)
	}
}

// roundTrip subscribes to ch on its shard and publishes on it.
func roundTrip(ctx context.Context, t *testing.T, rdb *goredis.ClusterClient, ch string) {
	t.Helper()
	if err := tryRoundTrip(ctx, rdb, ch); err != nil {
		t.Fatal(err)
	}
}

func tryRoundTrip(ctx context.Context, rdb *goredis.ClusterClient, ch string) error {
	ps := rdb.SSubscribe(ctx, ch)
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		return fmt.Errorf("SSUBSCRIBE: %w", err)
	}
	if err := rdb.SPublish(ctx, ch, "hello").Err(); err != nil {
		return fmt.Errorf("SPUBLISH: %w", err)
	}
	m, err := ps.ReceiveMessage(ctx)
	if err != nil || m.Payload != "hello" || m.Channel != ch {
		return fmt.Errorf("received %+v, %v", m, err)
	}
	return nil
}
