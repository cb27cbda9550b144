package redisstreams_test

import (
	"context"
	"encoding/base64"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/clustertest"
)

// TestMixedCluster runs a Socketeer node and a Node socket.io server with
// @socket.io/redis-streams-adapter on one Redis: clients 0 and 1 are on
// Socketeer, 2 and 3 on Node.
func TestMixedCluster(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	sk := startNode(t, rdb, nm, 0)
	nodeSrv, nodeURL := startNodeServer(t, nm, 0)
	waitNodes(t, rdb, nm, 2)
	c := clustertest.StartClients(t, 2, sk.url, nodeURL)
	ctx := context.Background()
	bin := map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{9, 8, 0})}
	for _, i := range []int{1, 3} {
		c.Join(i, "r")
	}
	nodeEmit := func(cmd map[string]any) { cmd["cmd"] = "emit"; nodeSrv.Command(cmd) }

	tests := []struct {
		name  string
		event string
		emit  func(event string)
		want  []int
	}{
		{"Socketeer to all, binary", "s-all", func(e string) { check(t, sk.of().Emit(e, "a", []byte{9, 8, 0})) }, []int{0, 1, 2, 3}},
		{"Node to all, binary", "n-all", func(e string) { nodeEmit(map[string]any{"event": e, "args": []any{"a", bin}}) }, []int{0, 1, 2, 3}},
		{"Socketeer to a room", "s-room", func(e string) { check(t, sk.of().To("r").Emit(e)) }, []int{1, 3}},
		{"Node to a room", "n-room", func(e string) { nodeEmit(map[string]any{"rooms": []string{"r"}, "event": e}) }, []int{1, 3}},
		{"Socketeer except a Node socket", "s-exc", func(e string) { check(t, sk.of().Except(c.IDs[3]).Emit(e)) }, []int{0, 1, 2}},
		{"Node except a room", "n-exc", func(e string) { nodeEmit(map[string]any{"except": []string{"r"}, "event": e}) }, []int{0, 2}},
		{"Node to a Socketeer socket", "n-one", func(e string) { nodeEmit(map[string]any{"rooms": []string{c.IDs[0]}, "event": e}) }, []int{0}},
		{"Socketeer local only", "s-local", func(e string) { check(t, sk.of().Local().Emit(e)) }, []int{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.T = t
			tc.emit(tc.event)
			c.Delivered(tc.event, tc.want, bin)
		})
	}

	t.Run("broadcast with acks both ways", func(t *testing.T) {
		c.T = t
		replies, err := sk.of().Timeout(5*time.Second).EmitWithAck(ctx, "s-ask")
		check(t, err)
		all := []int{0, 1, 2, 3}
		if got := clustertest.ReplyClients(t, replies); !slices.Equal(got, all) {
			t.Fatalf("Socketeer got acks from %v", got)
		}
		m := nodeSrv.Command(map[string]any{"cmd": "emitWithAck", "event": "n-ask", "timeout": 5000})
		if got := clustertest.NodeClients(m); !slices.Equal(got, all) {
			t.Fatalf("Node got acks %v", m)
		}
	})

	t.Run("fetch sockets both ways", func(t *testing.T) {
		c.T = t
		want := []string{c.IDs[1], c.IDs[3]}
		slices.Sort(want)
		ss, err := sk.of().In("r").FetchSockets(ctx)
		check(t, err)
		if got := clustertest.SocketIDs(ss); !slices.Equal(got, want) {
			t.Fatalf("Socketeer fetched %v, want %v", got, want)
		}
		for _, s := range ss {
			if s.Handshake.Time.IsZero() || !slices.Contains(s.Rooms, "r") {
				t.Errorf("socket %+v", s)
			}
		}
		m := nodeSrv.Command(map[string]any{"cmd": "fetch", "rooms": []string{"r"}})
		if got := clustertest.NodeSocketIDs(m); !slices.Equal(got, want) {
			t.Fatalf("Node fetched %v, want %v", got, want)
		}
	})

	t.Run("join, leave and disconnect both ways", func(t *testing.T) {
		c.T = t
		check(t, sk.of().In(c.IDs[2]).SocketsJoin("k"))
		nodeSrv.Command(map[string]any{"cmd": "join", "rooms": []string{c.IDs[0]}, "room": "k"})
		waitFetch(t, sk, "k", 2)
		nodeSrv.Command(map[string]any{"cmd": "leave", "rooms": []string{"k"}, "room": "k"})
		waitFetch(t, sk, "k", 0)
		check(t, sk.of().In(c.IDs[3]).SocketsJoin("k"))
		check(t, sk.of().In("k").SocketsLeave("k"))
		waitFetch(t, sk, "k", 0)
		nodeSrv.Command(map[string]any{"cmd": "disconnect", "rooms": []string{c.IDs[0]}})
		m := c.WaitN(1, clustertest.IsType("disconnect"))
		if m[0].Num("c") != 0 || m[0].Str("reason") != "io server disconnect" {
			t.Fatalf("disconnect %v", m[0])
		}
		check(t, sk.of().In(c.IDs[2]).DisconnectSockets(false))
		m = c.WaitN(2, clustertest.IsType("disconnect"))
		if m[1].Num("c") != 2 {
			t.Fatalf("disconnect %v", m[1])
		}
	})

	t.Run("server-side emit both ways", func(t *testing.T) {
		c.T = t
		check(t, sk.of().ServerSideEmit("cluster:hello", "from-go", 1))
		m := nodeSrv.WaitN(1, clustertest.IsType("server_side"))[0]
		if !reflect.DeepEqual(m["args"], []any{"from-go", 1.0}) {
			t.Fatalf("Node got %v", m)
		}
		nodeSrv.Command(map[string]any{"cmd": "serverSideEmit", "event": "from-node", "args": []any{map[string]any{"a": 1}, bin}})
		select {
		case got := <-sk.ns.serverSide:
			if want := `from-node[{"a":1} "CQgA"]`; got != want {
				t.Fatalf("Socketeer got %s, want %s", got, want)
			}
		case <-time.After(clustertest.WaitTimeout):
			t.Fatal("Socketeer got no server-side event")
		}
	})
}

// waitFetch waits until n sockets of the cluster are in room.
func waitFetch(t *testing.T, n *node, room string, want int) {
	t.Helper()
	waitUntil(t, "fetchSockets", func() bool {
		ss, err := n.of().In(room).FetchSockets(context.Background())
		return err == nil && len(ss) == want
	})
}
