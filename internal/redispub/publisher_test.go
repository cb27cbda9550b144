package redispub_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/internal/redispub"
	"github.com/socketeer/socketeer/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	errFull   = errors.New("full")
	errClosed = errors.New("closed")
)

// TestOrder publishes many messages, with PUBLISH and SPUBLISH, and
// checks that a subscriber gets them all in order, the queued ones
// included when Close comes right after.
func TestOrder(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	defer rdb.Close()
	for _, sharded := range []bool{false, true} {
		t.Run(fmt.Sprint("sharded=", sharded), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ch := fmt.Sprintf("redispub-test-%d", time.Now().UnixNano())
			var ps *redis.PubSub
			if sharded {
				ps = rdb.SSubscribe(ctx, ch)
			} else {
				ps = rdb.Subscribe(ctx, ch)
			}
			defer ps.Close()
			if _, err := ps.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			p := redispub.New(rdb, redispub.Options{Sharded: sharded, QueueSize: 1000, Timeout: time.Second, ErrQueueFull: errFull, ErrClosed: errClosed})
			const n = 600
			for i := range n {
				if err := p.Enqueue(ch, []byte(fmt.Sprint(i))); err != nil {
					t.Fatal(err)
				}
			}
			p.Close()
			if err := p.Enqueue(ch, nil); err != errClosed {
				t.Fatalf("Enqueue after Close: %v, want the ErrClosed given", err)
			}
			for i := range n {
				m, err := ps.ReceiveMessage(ctx)
				if err != nil || m.Payload != fmt.Sprint(i) {
					t.Fatalf("message %d: %v, %v", i, m, err)
				}
			}
		})
	}
}

// TestUnreachable checks that a full queue is refused at once and that
// failed pipelines are reported, with Redis unreachable.
func TestUnreachable(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer rdb.Close()
	var failed atomic.Int64
	p := redispub.New(rdb, redispub.Options{QueueSize: 2, Timeout: 200 * time.Millisecond, ErrQueueFull: errFull, ErrClosed: errClosed,
		Failed: func(n int, err error) { failed.Add(int64(n)) }})
	full := false
	for range 100 {
		if err := p.Enqueue("ch", []byte("x")); err == errFull {
			full = true
			break
		}
	}
	if !full {
		t.Error("a queue of 2 took 100 messages while Redis is unreachable")
	}
	deadline := time.Now().Add(5 * time.Second)
	for failed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	p.Close()
	if failed.Load() == 0 {
		t.Fatal("no failed publish reported")
	}
}
