package redisstreams_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/errors"
)

// TestServerSideEmitWithAck asks Node for acknowledged server-side events
// and answers Node's (Namespace.ServerSideEmitWithAck, OnServerSideEmit
// with a result), then gets a partial answer with ErrTimeout when a node
// stays silent.
func TestServerSideEmitWithAck(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	opts := nm.options(t)
	opts.RequestsTimeout = time.Second
	sk := startNodeWith(t, rdb, opts, nil)
	nodeSrv, _ := startNodeServer(t, nm, 0)
	waitNodes(t, rdb, nm, 2)
	ctx := context.Background()

	replies, err := sk.of().ServerSideEmitWithAck(ctx, "cluster:ask", "q", 1)
	check(t, err)
	var got map[string]any
	if len(replies) != 1 || replies[0].Decode(&got) != nil || !reflect.DeepEqual(got, map[string]any{"from": "node", "got": "q"}) {
		t.Fatalf("Node answered %v (%v)", replies, got)
	}

	m := nodeSrv.Command(map[string]any{"cmd": "serverSideEmitWithAck", "event": "cluster:ask", "args": []any{"from-node", 2}})
	want := []any{map[string]any{"from": "go", "got": "from-node"}}
	if m["error"] != nil || !reflect.DeepEqual(m["responses"], want) {
		t.Fatalf("Node got %v, want responses %v", m, want)
	}

	// A node that never answers: the answer that came, with ErrTimeout.
	silent := rdb.Subscribe(ctx, nm.key+"#/#")
	defer silent.Close()
	waitNodes(t, rdb, nm, 3)
	start := time.Now()
	replies, err = sk.of().ServerSideEmitWithAck(ctx, "cluster:ask", "q")
	if !errors.Is(err, redisstreams.ErrTimeout) || !errors.Is(err, errors.ErrAdapter) || len(replies) != 1 {
		t.Fatalf("with a silent node: %v, %v", replies, err)
	}
	t.Logf("partial answer after %v: %v", time.Since(start), err)
}
