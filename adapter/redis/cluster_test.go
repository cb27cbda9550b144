package redis_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestThreeNodes runs three Socketeer nodes on one Redis with two real JS
// clients on each: client i is on node i/2.
func TestThreeNodes(t *testing.T) {
	rdb := newClient(t, testenv.RedisAddr(t))
	testenv.Node(t)
	key := testKey(t)
	nodes := []*node{startNode(t, rdb, key), startNode(t, rdb, key), startNode(t, rdb, key)}
	waitNodes(t, rdb, key, 3)
	c := clustertest.StartClients(t, 2, nodes[0].url, nodes[1].url, nodes[2].url)
	ctx := context.Background()

	t.Run("broadcast to all, binary included", func(t *testing.T) {
		c.T = t
		start := time.Now()
		err := nodes[0].ns().Emit("all", "x", 1, map[string]any{"k": "v"}, []byte{0, 1, 255})
		if err != nil {
			t.Fatal(err)
		}
		c.WaitN(6, clustertest.IsEvent("all"))
		t.Logf("broadcast from node 0 reached the 6 clients of 3 nodes in %v", time.Since(start))
		if got := c.Receivers("all", 6); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4, 5}) {
			t.Fatalf("receivers %v", got)
		}
		want := []any{"x", 1.0, map[string]any{"k": "v"}, map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{0, 1, 255})}}
		for _, i := range []int{0, 5} {
			if got := c.Args(i, "all"); !reflect.DeepEqual(got, want) {
				t.Errorf("client %d (node %d) got %v, want %v", i, i/2, got, want)
			}
		}
	})

	for _, i := range []int{1, 3, 5} {
		c.Join(i, "r")
	}
	tests := []struct {
		name  string
		event string
		emit  func(event string) error
		want  []int
	}{
		{"room from node 1", "room", func(e string) error { return nodes[1].ns().To("r").Emit(e) }, []int{1, 3, 5}},
		{"room except a socket of another node", "exc1", func(e string) error { return nodes[2].ns().To("r").Except(c.IDs[3]).Emit(e) }, []int{1, 5}},
		{"all except a room", "exc2", func(e string) error { return nodes[0].ns().Except("r").Emit(e) }, []int{0, 2, 4}},
		{"two rooms", "two", func(e string) error { return nodes[0].ns().To("r", c.IDs[0]).Emit(e) }, []int{0, 1, 3, 5}},
		{"a socket of another node", "one", func(e string) error { return nodes[0].ns().To(c.IDs[4]).Emit(e) }, []int{4}},
		{"local only", "local", func(e string) error { return nodes[1].ns().Local().Emit(e) }, []int{2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.T = t
			if err := tc.emit(tc.event); err != nil {
				t.Fatal(err)
			}
			if got := c.Receivers(tc.event, len(tc.want)); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("receivers %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("acks across nodes", func(t *testing.T) {
		c.T = t
		for _, tc := range []struct {
			from  int
			rooms []string
			want  []int
		}{{0, nil, []int{0, 1, 2, 3, 4, 5}}, {2, []string{"r"}, []int{1, 3, 5}}} {
			start := time.Now()
			replies, err := nodes[tc.from].ns().To(tc.rooms...).Timeout(5*time.Second).EmitWithAck(ctx, "ask", tc.from)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("EmitWithAck from node %d to %v: %d acks in %v", tc.from, tc.rooms, len(replies), time.Since(start))
			var got []int
			for _, r := range replies {
				var v struct {
					Client int    `json:"client"`
					ID     string `json:"id"`
				}
				if err := r.Decode(&v); err != nil {
					t.Fatal(err)
				}
				if v.ID != c.IDs[v.Client] {
					t.Errorf("reply %+v: client %d has id %s", v, v.Client, c.IDs[v.Client])
				}
				got = append(got, v.Client)
			}
			slices.Sort(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("acks from %v, want %v", got, tc.want)
			}
		}
	})

	t.Run("fetch sockets", func(t *testing.T) {
		c.T = t
		all, err := nodes[1].ns().FetchSockets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := clustertest.SocketIDs(all); !reflect.DeepEqual(got, sortedCopy(c.IDs)) {
			t.Fatalf("fetched %v, want %v", got, sortedCopy(c.IDs))
		}
		inR, err := nodes[0].ns().In("r").FetchSockets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := sortedCopy([]string{c.IDs[1], c.IDs[3], c.IDs[5]})
		if got := clustertest.SocketIDs(inR); !reflect.DeepEqual(got, want) {
			t.Fatalf("fetched in r %v, want %v", got, want)
		}
		for _, s := range inR {
			if !slices.Contains(s.Rooms, "r") || !slices.Contains(s.Rooms, s.ID) {
				t.Errorf("socket %s rooms %v", s.ID, s.Rooms)
			}
			if s.Handshake.Time.IsZero() || s.Handshake.Header.Get("Upgrade") == "" {
				t.Errorf("socket %s handshake %+v", s.ID, s.Handshake)
			}
		}
	})

	t.Run("join and leave across nodes", func(t *testing.T) {
		c.T = t
		if err := nodes[2].ns().In(c.IDs[0], c.IDs[2]).SocketsJoin("j"); err != nil {
			t.Fatal(err)
		}
		waitFetch(t, nodes[1], "j", 2)
		if err := nodes[1].ns().To("j").Emit("jj"); err != nil {
			t.Fatal(err)
		}
		if got := c.Receivers("jj", 2); !reflect.DeepEqual(got, []int{0, 2}) {
			t.Fatalf("receivers of j %v", got)
		}
		if err := nodes[0].ns().In("j").SocketsLeave("j"); err != nil {
			t.Fatal(err)
		}
		waitFetch(t, nodes[2], "j", 0)
	})

	t.Run("server-side emit", func(t *testing.T) {
		c.T = t
		var mu sync.Mutex
		got := map[int]string{}
		for i, n := range nodes {
			n.onServerSide(func(event string, args []json.RawMessage) {
				mu.Lock()
				got[i] = fmt.Sprintf("%s%s", event, args)
				mu.Unlock()
			})
		}
		if err := nodes[0].ns().ServerSideEmit("hello", 1, "two"); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 2 })
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		want := map[int]string{1: `hello[1 "two"]`, 2: `hello[1 "two"]`}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("server-side events %v, want %v", got, want)
		}
	})

	t.Run("disconnect across nodes", func(t *testing.T) {
		c.T = t
		if err := nodes[0].ns().In(c.IDs[5]).DisconnectSockets(false); err != nil {
			t.Fatal(err)
		}
		m := c.WaitN(1, clustertest.IsType("disconnect"))
		if m[0].Num("c") != 5 || m[0].Str("reason") != "io server disconnect" {
			t.Fatalf("disconnect %v", m[0])
		}
		waitUntil(t, func() bool { return nodes[2].ns().Len() == 1 })
	})
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// waitFetch waits until FetchSockets on n finds want sockets in room.
func waitFetch(t *testing.T, n *node, room string, want int) {
	t.Helper()
	waitUntil(t, func() bool {
		ss, err := n.ns().In(room).FetchSockets(context.Background())
		return err == nil && len(ss) == want
	})
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(clustertest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
