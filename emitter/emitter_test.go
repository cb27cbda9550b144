package emitter_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/emitter"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// published is one message seen on Redis, decoded.
type published struct {
	Channel string
	Value   any
	raw     []byte
}

// record subscribes to every channel of key, runs fn, and returns what was
// published meanwhile, in order.
func record(t *testing.T, rdb *redis.Client, key string, n int, fn func()) []published {
	t.Helper()
	ctx := context.Background()
	ps := rdb.PSubscribe(ctx, key+"*")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil { // the subscription confirmation
		t.Fatal(err)
	}
	fn()
	var out []published
	for len(out) < n {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		m, err := ps.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			t.Fatalf("after %d of %d messages: %v", len(out), n, err)
		}
		out = append(out, published{m.Channel, decode(t, []byte(m.Payload)), []byte(m.Payload)})
	}
	return out
}

// decode decodes a JSON or msgpack payload into a generic value.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	var err error
	if b[0] == '{' {
		err = json.Unmarshal(b, &v)
	} else {
		err = msgpack.Unmarshal(b, &v)
	}
	if err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return v
}

// TestWireIdentical runs the same operations through Node's
// @socket.io/redis-emitter and through this package, and compares what
// they publish: same channels, same decoded messages.
func TestWireIdentical(t *testing.T) {
	addr := testenv.RedisAddr(t)
	testenv.Node(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	key := "socketeer-emitter-test-" + rediswire.NewID(8)
	bin := []byte{0, 1, 2, 255}

	ops := []map[string]any{
		{"op": "emit", "event": "all", "args": []any{"a", 1, 1.5, -7, map[string]any{"k": []any{true, nil}}, map[string]any{"$bin": "AAEC/w=="}}},
		{"op": "emit", "nsp": "/chat", "to": []string{"r1"}, "event": "one-room"},
		{"op": "emit", "nsp": "chat", "to": []string{"r1", "r2"}, "except": []string{"x"}, "event": "two-rooms", "args": []any{"b"}},
		{"op": "socketsJoin", "to": []string{"r1"}, "rooms": []string{"j1", "j2"}},
		{"op": "socketsLeave", "except": []string{"r1"}, "rooms": []string{"j1"}},
		{"op": "disconnectSockets", "to": []string{"sid"}, "close": true},
		{"op": "serverSideEmit", "event": "hello", "args": []any{1, "two"}},
	}
	opsJSON, _ := json.Marshal(ops)
	node := record(t, rdb, key, len(ops), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := testenv.RunNode(t, ctx, "cluster/emitter.js", "REDIS_URL=redis://"+addr, "KEY="+key, "OPS="+string(opsJSON))
		if err != nil {
			t.Fatalf("emitter.js: %v\n%s", err, out)
		}
	})

	e := emitter.New(rdb, emitter.Options{Key: key})
	ours := record(t, rdb, key, len(ops), func() {
		for i, err := range []error{
			e.Emit("all", "a", 1, 1.5, -7, map[string]any{"k": []any{true, nil}}, bin),
			e.Of("/chat").To("r1").Emit("one-room"),
			e.Of("chat").To("r1", "r2").Except("x").Emit("two-rooms", "b"),
			e.To("r1").SocketsJoin("j1", "j2"),
			e.Except("r1").SocketsLeave("j1"),
			e.To("sid").DisconnectSockets(true),
			e.ServerSideEmit("hello", 1, "two"),
		} {
			if err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
		}
	})
	for i := range ops {
		if ops[i]["op"] == "emit" && string(ours[i].raw) != string(node[i].raw) {
			t.Errorf("op %d: broadcast bytes differ:\n ours %x\n Node %x", i, ours[i].raw, node[i].raw)
		}
		if ours[i].Channel != node[i].Channel || !reflect.DeepEqual(ours[i].Value, node[i].Value) {
			t.Errorf("op %d (%s):\n ours %#v\n Node %#v\n ours %x\n Node %x", i, ops[i]["op"],
				ours[i], node[i], ours[i].raw, node[i].raw)
		}
	}
}

func TestReservedEvent(t *testing.T) {
	e := emitter.New(nil, emitter.Options{})
	for _, name := range []string{"connect", "disconnect", "connect_error"} {
		if err := e.Emit(name); err == nil {
			t.Errorf("Emit(%q) = nil, want an error", name)
		}
	}
}
