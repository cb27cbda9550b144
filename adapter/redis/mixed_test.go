package redis_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/emitter"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/testenv"
)

// startNodeServer starts interop/cluster/node-server.js, a Node socket.io
// 4.8 server with @socket.io/redis-adapter, and returns it with its URL.
func startNodeServer(t *testing.T, addr, key string) (*clustertest.Proc, string) {
	t.Helper()
	p := clustertest.StartScript(t, "cluster/node-server.js", "REDIS_URL=redis://"+addr, "KEY="+key)
	m := p.WaitN(1, clustertest.IsType("listening"))
	return p, fmt.Sprintf("http://127.0.0.1:%d", m[0].Num("port"))
}

// TestMixedCluster runs a Socketeer node and a Node socket.io server with
// @socket.io/redis-adapter on one Redis: clients 0 and 1 are on Socketeer,
// 2 and 3 on Node.
func TestMixedCluster(t *testing.T) {
	addr := testenv.RedisAddr(t)
	rdb := newClient(t, addr)
	key := testKey(t)
	sk := startNode(t, rdb, key)
	nodeSrv, nodeURL := startNodeServer(t, addr, key)
	waitNodes(t, rdb, key, 2)
	c := clustertest.StartClients(t, 2, sk.url, nodeURL)
	ctx := context.Background()
	bin := map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{9, 8, 0})}
	for _, i := range []int{1, 3} {
		c.Join(i, "r")
	}

	tests := []struct {
		name  string
		event string
		emit  func(t *testing.T, event string)
		want  []int
	}{
		{"Socketeer broadcasts to all", "s-all", func(t *testing.T, e string) { check(t, sk.ns().Emit(e, "a", []byte{9, 8, 0})) }, []int{0, 1, 2, 3}},
		{"Node broadcasts to all", "n-all", func(t *testing.T, e string) {
			nodeSrv.Command(map[string]any{"cmd": "emit", "event": e, "args": []any{"a", bin}})
		}, []int{0, 1, 2, 3}},
		{"Socketeer to a room", "s-room", func(t *testing.T, e string) { check(t, sk.ns().To("r").Emit(e)) }, []int{1, 3}},
		{"Node to a room", "n-room", func(t *testing.T, e string) {
			nodeSrv.Command(map[string]any{"cmd": "emit", "rooms": []string{"r"}, "event": e})
		}, []int{1, 3}},
		{"Socketeer except a Node socket", "s-exc", func(t *testing.T, e string) { check(t, sk.ns().Except(c.IDs[3]).Emit(e)) }, []int{0, 1, 2}},
		{"Node except a room", "n-exc", func(t *testing.T, e string) {
			nodeSrv.Command(map[string]any{"cmd": "emit", "except": []string{"r"}, "event": e})
		}, []int{0, 2}},
		{"Node's emitter to a room", "ne-room", func(t *testing.T, e string) {
			runEmitter(t, addr, key, map[string]any{"op": "emit", "to": []string{"r"}, "event": e, "args": []any{"a", bin}})
		}, []int{1, 3}},
		{"Node's emitter except", "ne-exc", func(t *testing.T, e string) {
			runEmitter(t, addr, key, map[string]any{"op": "emit", "except": []string{c.IDs[0]}, "event": e})
		}, []int{1, 2, 3}},
		{"our emitter to a room", "oe-room", func(t *testing.T, e string) {
			check(t, emitter.New(rdb, emitter.Options{Key: key}).To("r").Emit(e, "a", []byte{9, 8, 0}))
		}, []int{1, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.T = t
			tc.emit(t, tc.event)
			c.Delivered(tc.event, tc.want, bin)
		})
	}

	t.Run("Socketeer broadcast with acks", func(t *testing.T) {
		c.T = t
		start := time.Now()
		replies, err := sk.ns().Timeout(5*time.Second).EmitWithAck(ctx, "s-ask")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("4 acks over both servers in %v", time.Since(start))
		if got := clustertest.ReplyClients(t, replies); !slices.Equal(got, []int{0, 1, 2, 3}) {
			t.Fatalf("acks from %v", got)
		}
	})

	t.Run("Node broadcast with acks", func(t *testing.T) {
		c.T = t
		m := nodeSrv.Command(map[string]any{"cmd": "emitWithAck", "event": "n-ask", "timeout": 5000})
		if m["error"] != nil || !slices.Equal(clustertest.NodeClients(m), []int{0, 1, 2, 3}) {
			t.Fatalf("Node's emitWithAck: %v", m)
		}
	})

	t.Run("fetch sockets both ways", func(t *testing.T) {
		c.T = t
		ss, err := sk.ns().In("r").FetchSockets(ctx)
		check(t, err)
		want := sortedCopy([]string{c.IDs[1], c.IDs[3]})
		if got := clustertest.SocketIDs(ss); !reflect.DeepEqual(got, want) {
			t.Fatalf("Socketeer fetched %v, want %v", got, want)
		}
		for _, s := range ss {
			if s.Handshake.Time.IsZero() || !slices.Contains(s.Rooms, "r") {
				t.Errorf("socket %+v", s)
			}
		}
		m := nodeSrv.Command(map[string]any{"cmd": "fetch", "rooms": []string{"r"}})
		if ids := clustertest.NodeSocketIDs(m); !reflect.DeepEqual(ids, want) {
			t.Fatalf("Node fetched %v, want %v", clustertest.NodeSocketIDs(m), want)
		}
	})

	t.Run("join, leave and disconnect both ways", func(t *testing.T) {
		c.T = t
		// Socketeer makes Node's client 2 join; Node makes Socketeer's client 0 join.
		check(t, sk.ns().In(c.IDs[2]).SocketsJoin("k"))
		nodeSrv.Command(map[string]any{"cmd": "join", "rooms": []string{c.IDs[0]}, "room": "k"})
		waitFetch(t, sk, "k", 2)
		runEmitter(t, addr, key, map[string]any{"op": "socketsJoin", "to": []string{c.IDs[1]}, "rooms": []string{"k"}})
		waitFetch(t, sk, "k", 3)
		check(t, emitter.New(rdb, emitter.Options{Key: key}).In(c.IDs[3]).SocketsJoin("k"))
		waitFetch(t, sk, "k", 4)
		nodeSrv.Command(map[string]any{"cmd": "leave", "rooms": []string{"k"}, "room": "k"})
		waitFetch(t, sk, "k", 0)
		nodeSrv.Command(map[string]any{"cmd": "disconnect", "rooms": []string{c.IDs[0]}})
		m := c.WaitN(1, clustertest.IsType("disconnect"))
		if m[0].Num("c") != 0 || m[0].Str("reason") != "io server disconnect" {
			t.Fatalf("disconnect %v", m[0])
		}
		check(t, sk.ns().In(c.IDs[2]).DisconnectSockets(false))
		m = c.WaitN(2, clustertest.IsType("disconnect"))
		if m[1].Num("c") != 2 {
			t.Fatalf("disconnect %v", m[1])
		}
	})

	t.Run("server-side emit both ways", func(t *testing.T) {
		c.T = t
		got := make(chan string, 4)
		sk.onServerSide(func(event string, args []json.RawMessage) {
			got <- fmt.Sprintf("%s%s", event, args)
		})
		check(t, sk.ns().ServerSideEmit("cluster:hello", "from-go", 1))
		m := nodeSrv.WaitN(1, clustertest.IsType("server_side"))[0]
		if !reflect.DeepEqual(m["args"], []any{"from-go", 1.0}) {
			t.Fatalf("Node got %v", m)
		}
		nodeSrv.Command(map[string]any{"cmd": "serverSideEmit", "event": "from-node", "args": []any{map[string]any{"a": 1}}})
		runEmitter(t, addr, key, map[string]any{"op": "serverSideEmit", "event": "from-emitter", "args": []any{2}})
		var all []string
		for range 2 {
			select {
			case s := <-got:
				all = append(all, s)
			case <-time.After(clustertest.WaitTimeout):
				t.Fatalf("server-side events so far: %v", all)
			}
		}
		slices.Sort(all)
		if want := []string{`from-emitter[2]`, `from-node[{"a":1}]`}; !reflect.DeepEqual(all, want) {
			t.Fatalf("Socketeer got %v, want %v", all, want)
		}
	})
}

// runEmitter runs interop/cluster/emitter.js (Node's
// @socket.io/redis-emitter) with ops.
func runEmitter(t *testing.T, addr, key string, ops ...map[string]any) {
	t.Helper()
	b, _ := json.Marshal(ops)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "cluster/emitter.js", "REDIS_URL=redis://"+addr, "KEY="+key, "OPS="+string(b))
	if err != nil {
		t.Fatalf("emitter.js: %v\n%s", err, out)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
