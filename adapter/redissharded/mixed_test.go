package redissharded_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediscluster"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestMixedCluster runs two Socketeer nodes and a Node socket.io server
// with createShardedAdapter on a Redis Cluster of three masters, in each
// subscription mode.
func TestMixedCluster(t *testing.T) {
	testenv.Node(t)
	rc := rediscluster.Start(t, rediscluster.Options{})
	env := clusterEnv(t, rc)
	for _, mode := range []redissharded.SubscriptionMode{redissharded.Static, redissharded.Dynamic, redissharded.DynamicPrivate} {
		t.Run(string(mode), func(t *testing.T) { runMixed(t, env, mode) })
	}
}

// TestMixedServer runs the same cluster on one Redis 7 server.
func TestMixedServer(t *testing.T) {
	testenv.Node(t)
	env := serverEnv(t, testenv.RedisAddr(t))
	runMixed(t, env, redissharded.Dynamic)
}

// runMixed checks what crosses a cluster of two Socketeer nodes and a Node
// one: clients 0 and 1 are on the first Socketeer node, 2 and 3 on Node,
// 4 and 5 on the second Socketeer node; 1, 3 and 5 are in room "r".
func runMixed(t *testing.T, env redisEnv, mode redissharded.SubscriptionMode) {
	key := testKey()
	sk := startNode(t, env.rdb, key, mode)
	nd, ndURL := startNodeServer(t, env, key, mode)
	sk2 := startNode(t, env.rdb, key, mode)
	nspChannel := rediswire.BroadcastChannel(key, "/")
	waitSubscribers(t, env.rdb, nspChannel, 3)
	c := clustertest.StartClients(t, 2, sk.url, ndURL, sk2.url)
	for _, i := range []int{1, 3, 5} {
		c.Join(i, "r")
	}
	if mode != redissharded.Static {
		waitSubscribers(t, env.rdb, rediswire.RoomChannel(key, "/", "r"), 3)
	}
	if mode == redissharded.DynamicPrivate {
		for _, id := range c.IDs {
			waitSubscribers(t, env.rdb, rediswire.RoomChannel(key, "/", id), 1)
		}
	}
	bin := map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{9, 8, 0})}
	all := []int{0, 1, 2, 3, 4, 5}

	tests := []struct {
		name  string
		event string
		emit  func(t *testing.T, event string)
		want  []int
	}{
		{"Socketeer broadcasts to all", "s-all", func(t *testing.T, e string) { check(t, sk.ns().Emit(e, "a", []byte{9, 8, 0})) }, all},
		{"Node broadcasts to all", "n-all", func(t *testing.T, e string) {
			nd.Command(map[string]any{"cmd": "emit", "event": e, "args": []any{"a", bin}})
		}, all},
		{"Socketeer to a room", "s-room", func(t *testing.T, e string) { check(t, sk.ns().To("r").Emit(e, "a", []byte{9, 8, 0})) }, []int{1, 3, 5}},
		{"Node to a room", "n-room", func(t *testing.T, e string) {
			nd.Command(map[string]any{"cmd": "emit", "rooms": []string{"r"}, "event": e, "args": []any{"a", bin}})
		}, []int{1, 3, 5}},
		{"Socketeer to two rooms", "s-rooms", func(t *testing.T, e string) { check(t, sk.ns().To("r", c.IDs[0]).Emit(e)) }, []int{0, 1, 3, 5}},
		{"Socketeer except a Node socket", "s-exc", func(t *testing.T, e string) { check(t, sk.ns().Except(c.IDs[3]).Emit(e)) }, []int{0, 1, 2, 4, 5}},
		{"Node except a room", "n-exc", func(t *testing.T, e string) {
			nd.Command(map[string]any{"cmd": "emit", "except": []string{"r"}, "event": e})
		}, []int{0, 2, 4}},
		{"Socketeer to a room except", "s-room-exc", func(t *testing.T, e string) { check(t, sk.ns().To("r").Except(c.IDs[5]).Emit(e)) }, []int{1, 3}},
		{"Socketeer to a Node socket", "s-sid", func(t *testing.T, e string) { check(t, sk.ns().To(c.IDs[2]).Emit(e)) }, []int{2}},
		{"Node to a Socketeer socket", "n-sid", func(t *testing.T, e string) {
			nd.Command(map[string]any{"cmd": "emit", "rooms": []string{c.IDs[4]}, "event": e})
		}, []int{4}},
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
		replies, err := sk.ns().Timeout(5*time.Second).EmitWithAck(context.Background(), "s-ask")
		check(t, err)
		if got := clustertest.ReplyClients(t, replies); !slices.Equal(got, all) {
			t.Fatalf("acks from %v", got)
		}
	})

	t.Run("Node broadcast with acks", func(t *testing.T) {
		c.T = t
		m := nd.Command(map[string]any{"cmd": "emitWithAck", "rooms": []string{"r"}, "event": "n-ask", "timeout": 5000})
		if m["error"] != nil || !slices.Equal(clustertest.NodeClients(m), []int{1, 3, 5}) {
			t.Fatalf("Node's emitWithAck: %v", m)
		}
	})

	t.Run("fetch sockets both ways", func(t *testing.T) {
		c.T = t
		ss, err := sk.ns().In("r").FetchSockets(context.Background())
		check(t, err)
		want := []string{c.IDs[1], c.IDs[3], c.IDs[5]}
		slices.Sort(want)
		if got := clustertest.SocketIDs(ss); !slices.Equal(got, want) {
			t.Fatalf("Socketeer fetched %v, want %v", got, want)
		}
		for _, s := range ss {
			if s.Handshake.Time.IsZero() || !slices.Contains(s.Rooms, "r") {
				t.Errorf("socket %+v", s)
			}
		}
		m := nd.Command(map[string]any{"cmd": "fetch", "rooms": []string{"r"}})
		if got := clustertest.NodeSocketIDs(m); !slices.Equal(got, want) {
			t.Fatalf("Node fetched %v, want %v", got, want)
		}
	})

	t.Run("join, leave and disconnect both ways", func(t *testing.T) {
		c.T = t
		check(t, sk.ns().In(c.IDs[2]).SocketsJoin("k"))
		nd.Command(map[string]any{"cmd": "join", "rooms": []string{c.IDs[0], c.IDs[4]}, "room": "k"})
		waitFetch(t, sk, "k", 3)
		if mode != redissharded.Static {
			// Joined from afar, the room got its channel on every node.
			waitSubscribers(t, env.rdb, rediswire.RoomChannel(key, "/", "k"), 3)
		}
		check(t, sk2.ns().To("k").Emit("k-msg"))
		if got := c.Receivers("k-msg", 3); !reflect.DeepEqual(got, []int{0, 2, 4}) {
			t.Fatalf("room k receivers %v", got)
		}
		nd.Command(map[string]any{"cmd": "leave", "rooms": []string{"k"}, "room": "k"})
		waitFetch(t, sk, "k", 0)
		if mode != redissharded.Static {
			waitSubscribers(t, env.rdb, rediswire.RoomChannel(key, "/", "k"), 0)
		}
		nd.Command(map[string]any{"cmd": "disconnect", "rooms": []string{c.IDs[0]}})
		m := c.WaitN(1, clustertest.IsType("disconnect"))
		if m[0].Num("c") != 0 || m[0].Str("reason") != "io server disconnect" {
			t.Fatalf("disconnect %v", m[0])
		}
		check(t, sk2.ns().In(c.IDs[2]).DisconnectSockets(false))
		m = c.WaitN(2, clustertest.IsType("disconnect"))
		if m[1].Num("c") != 2 {
			t.Fatalf("disconnect %v", m[1])
		}
	})

	t.Run("server-side emit both ways", func(t *testing.T) {
		c.T = t
		got := make(chan string, 4)
		sk2.handlers.SetServerSide(func(event string, args []json.RawMessage) {
			b, _ := json.Marshal(args)
			got <- event + string(b)
		})
		check(t, sk.ns().ServerSideEmit("cluster:hello", "from-go", 1))
		m := nd.WaitN(1, clustertest.IsType("server_side"))[0]
		if !reflect.DeepEqual(m["args"], []any{"from-go", 1.0}) {
			t.Fatalf("Node got %v", m)
		}
		nd.Command(map[string]any{"cmd": "serverSideEmit", "event": "from-node", "args": []any{map[string]any{"a": 1}}})
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
		if want := []string{`cluster:hello["from-go",1]`, `from-node[{"a":1}]`}; !reflect.DeepEqual(all, want) {
			t.Fatalf("Socketeer got %v, want %v", all, want)
		}
	})
}

// waitFetch waits until n sockets of every node are in room, as node n
// fetches them.
func waitFetch(t *testing.T, n *node, room string, want int) {
	t.Helper()
	deadline := time.Now().Add(clustertest.WaitTimeout)
	for {
		ss, err := n.ns().In(room).FetchSockets(context.Background())
		if err == nil && len(ss) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets in %s (err %v), want %d", len(ss), room, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
