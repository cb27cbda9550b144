package redissharded_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

// socketlessLocal is a namespace "/" without sockets: the adapter of a
// node that only exchanges server-side events.
type socketlessLocal struct{ t testing.TB }

func (l socketlessLocal) Name() string                              { return "/" }
func (l socketlessLocal) Socket(string) adapter.Socket              { return nil }
func (l socketlessLocal) Each(func(adapter.Socket))                 {}
func (l socketlessLocal) ServerSideEvent(string, []json.RawMessage) {}
func (l socketlessLocal) Logf(format string, args ...any)           { l.t.Logf(format, args...) }

// answeringLocal acknowledges every server-side event with
// {"from":"go","event":event}.
type answeringLocal struct{ socketlessLocal }

func (l answeringLocal) ServerSideEventWithAck(event string, _ []json.RawMessage, ack func([]json.RawMessage)) {
	b, _ := json.Marshal(map[string]string{"from": "go", "event": event})
	ack([]json.RawMessage{b})
}

// TestServerSideEmitWithAck sends server-side events with
// acknowledgements both ways between Node's sharded adapter and this
// one on a Redis Cluster, then with a node that does not answer: the
// asker gets the answers that came with a timeout error.
func TestServerSideEmitWithAck(t *testing.T) {
	testenv.Node(t)
	rc := rediscluster.Start(t, rediscluster.Options{})
	env := clusterEnv(t, rc)
	key := testKey()
	opts := redissharded.Options{Key: key, SubscriptionMode: redissharded.Dynamic, RequestsTimeout: 2 * time.Second}
	goNode, err := redissharded.New(env.rdb, opts)(answeringLocal{socketlessLocal{t}})
	check(t, err)
	defer goNode.Close()
	nd, _ := startNodeServer(t, env, key, redissharded.Dynamic)
	waitSubscribers(t, env.rdb, rediswire.BroadcastChannel(key, "/"), 2)
	ctx := context.Background()

	answers, err := goNode.(adapter.ServerSideAcker).ServerSideEmitWithAck(ctx, "cluster:ask", []json.RawMessage{json.RawMessage(`"x"`)})
	check(t, err)
	// node-server.js answers with what it got and its name, in a shape
	// of its own.
	if len(answers) != 1 || len(answers[0]) != 1 ||
		!strings.Contains(string(answers[0][0]), `"x"`) || !strings.Contains(string(answers[0][0]), `"node"`) {
		t.Fatalf("Node answered %s", answers)
	}

	m := nd.Command(map[string]any{"cmd": "serverSideEmitWithAck", "event": "go:ask", "args": []any{1}})
	if m["error"] != nil || !reflect.DeepEqual(m["responses"], []any{map[string]any{"from": "go", "event": "go:ask"}}) {
		t.Fatalf("Node's serverSideEmit with ack: %v", m)
	}

	// A third node that never answers: both askers time out with the one
	// answer they got.
	silent, err := redissharded.New(env.rdb, opts)(socketlessLocal{t})
	check(t, err)
	defer silent.Close()
	answers, err = goNode.(adapter.ServerSideAcker).ServerSideEmitWithAck(ctx, "cluster:ask", nil)
	if !errors.Is(err, redissharded.ErrTimeout) || len(answers) != 1 {
		t.Fatalf("with a silent node: %s, %v; want one answer and ErrTimeout", answers, err)
	}
	t.Logf("with a silent node: %v", err)
	m = nd.Command(map[string]any{"cmd": "serverSideEmitWithAck", "event": "go:ask"})
	if errMsg, _ := m["error"].(string); errMsg == "" || len(m["responses"].([]any)) != 1 {
		t.Fatalf("Node's serverSideEmit with ack with a silent node: %v", m)
	}
	t.Logf("Node with a silent node: %v", m["error"])
}
