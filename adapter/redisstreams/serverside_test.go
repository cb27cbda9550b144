package redisstreams_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/errors"
)

// ackingLocal is a namespace "/" without sockets that acknowledges the
// server-side events it gets (adapter.LocalAcker).
type ackingLocal struct{ t *testing.T }

func (l ackingLocal) Name() string                              { return "/" }
func (l ackingLocal) Socket(string) adapter.Socket              { return nil }
func (l ackingLocal) Each(func(adapter.Socket))                 {}
func (l ackingLocal) ServerSideEvent(string, []json.RawMessage) {}
func (l ackingLocal) Logf(format string, args ...any)           { l.t.Logf(format, args...) }
func (l ackingLocal) ServerSideEventWithAck(event string, args []json.RawMessage, ack func([]json.RawMessage)) {
	ack([]json.RawMessage{json.RawMessage(fmt.Sprintf(`{"go":true,"event":%q,"got":%s}`, event, args[0]))})
}

// TestServerSideEmitWithAck asks Node for acknowledged server-side events
// and answers Node's, through the adapter's ServerSideAcker and the
// namespace's LocalAcker.
func TestServerSideEmitWithAck(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	opts := nm.options(t)
	opts.RequestsTimeout = time.Second
	a, err := redisstreams.New(rdb, opts)(ackingLocal{t})
	check(t, err)
	defer a.Close()
	nodeSrv, _ := startNodeServer(t, nm, 0)
	waitNodes(t, rdb, nm, 2)
	acker := a.(adapter.ServerSideAcker)
	ctx := context.Background()

	answers, err := acker.ServerSideEmitWithAck(ctx, "cluster:ask", []json.RawMessage{json.RawMessage(`"q"`), json.RawMessage(`1`)})
	check(t, err)
	if len(answers) != 1 || len(answers[0]) != 1 || string(answers[0][0]) != `{"got":["q",1],"node":"node"}` {
		t.Fatalf("Node answered %s", answers)
	}

	m := nodeSrv.Command(map[string]any{"cmd": "serverSideEmitWithAck", "event": "cluster:ask", "args": []any{"from-node", 2}})
	want := []any{map[string]any{"go": true, "event": "cluster:ask", "got": "from-node"}}
	if m["error"] != nil || !reflect.DeepEqual(m["responses"], want) {
		t.Fatalf("Node got %v, want responses %v", m, want)
	}

	// A node that never answers: the answer that came, with ErrTimeout.
	silent := rdb.Subscribe(ctx, nm.key+"#/#")
	defer silent.Close()
	waitNodes(t, rdb, nm, 3)
	start := time.Now()
	answers, err = acker.ServerSideEmitWithAck(ctx, "cluster:ask", []json.RawMessage{json.RawMessage(`"q"`)})
	if !errors.Is(err, redisstreams.ErrTimeout) || !errors.Is(err, errors.ErrAdapter) || len(answers) != 1 {
		t.Fatalf("with a silent node: %s, %v", answers, err)
	}
	t.Logf("partial answer after %v: %v", time.Since(start), err)
}
